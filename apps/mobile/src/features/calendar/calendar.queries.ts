import { useQuery } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { CalendarEventsResponse } from '@/lib/api-shapes';

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
