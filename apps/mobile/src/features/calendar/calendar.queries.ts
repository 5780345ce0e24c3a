import { useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { CalendarEventsResponse, CalendarFeedUrlResponse } from '@lifeos/contract';

export const calendarKeys = {
  all: ['calendar'] as const,
  range: (from: string, to: string) => [...calendarKeys.all, 'events', from, to] as const,
};

/** Events overlapping [from, to), sorted by start. */
export function useCalendarEvents(from: string, to: string) {
  const api = useApi();
  return useQuery({
    queryKey: calendarKeys.range(from, to),
    queryFn: async ({ signal }) => (await api.request('/calendar/events', { query: { from, to }, schema: CalendarEventsResponse, signal })).events,
  });
}

/** A new secret iCalendar URL for other calendar apps; the previous one stops working. */
export function useNewFeedUrl() {
  const api = useApi();
  return useMutation({
    mutationFn: async () => (await api.request('/calendar/feed-url', { schema: CalendarFeedUrlResponse })).url,
  });
}
