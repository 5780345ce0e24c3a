import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import {
  CalendarEventResponse,
  CalendarEventsResponse,
  CalendarFeedUrlResponse,
  type CreateCalendarEventBody,
  type UpdateCalendarEventBody,
} from '@lifeos/contract';

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

function useCalendarMutation<T>(fn: (body: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: calendarKeys.all }),
  });
}

export function useCreateEvent() {
  const api = useApi();
  return useCalendarMutation((body: CreateCalendarEventBody) => api.request('/calendar/events', { method: 'POST', body, schema: CalendarEventResponse }));
}

export function useUpdateEvent() {
  const api = useApi();
  return useCalendarMutation(({ id, ...body }: UpdateCalendarEventBody & { id: string }) =>
    api.request(`/calendar/events/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: CalendarEventResponse }),
  );
}

export function useDeleteEvent() {
  const api = useApi();
  return useCalendarMutation((id: string) => api.request<void>(`/calendar/events/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}
