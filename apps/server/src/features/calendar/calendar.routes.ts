import {
  CalendarEventResponse,
  CalendarEventsResponse,
  CalendarFeedParams,
  CalendarFeedUrlResponse,
  CreateCalendarEventBody,
  IdParams,
  ListCalendarEventsQuery,
  UpdateCalendarEventBody,
} from '@lifeos/contract';
import type { Request } from 'express';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/api.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { createLimiter, ipKey } from '../../http/rate-limit.ts';
import * as service from './calendar.service.ts';

const userOf = (auth: AuthInfo): service.CalendarUser => ({ id: auth.userId, timezone: auth.user.timezone });
const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));
const optionalDate = (iso: string | null | undefined) => (iso === undefined ? undefined : iso === null ? null : new Date(iso));

export function registerCalendarRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/calendar/events',
      tag: 'Calendar',
      summary: 'Events overlapping a range, repeating events expanded, sorted by start',
      description:
        'At most 1,000 occurrences per listing, and a bounded amount of repeat-rule work per request; when either limit left events out, the body carries `truncated: true`.',
      query: ListCalendarEventsQuery,
      responses: { 200: CalendarEventsResponse },
    },
    async ({ auth, query }) => {
      const user = userOf(auth);
      const range = service.defaultRange(ctx, user, date(query.from), date(query.to));
      const { occurrences, truncated } = await service.listOccurrencesPage(ctx, user, range);
      const events = occurrences.map((o) => service.toCalendarEvent(o.event, o));
      return { status: 200, body: truncated ? { events, truncated: true } : { events } };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/calendar/events',
      tag: 'Calendar',
      summary: 'Create an event in the local calendar (end defaults to start + 1 hour)',
      body: CreateCalendarEventBody,
      responses: { 201: CalendarEventResponse },
    },
    async ({ auth, body }) => {
      const row = await service.createEvent(ctx, userOf(auth), {
        title: body.title,
        start: new Date(body.start),
        end: date(body.end),
        allDay: body.allDay,
        location: body.location,
        notes: body.notes,
        recurrence: body.recurrence,
        reminders: body.reminders,
      });
      return { status: 201, body: { event: service.toCalendarEvent(row) } };
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/api/calendar/events/:id',
      tag: 'Calendar',
      summary: 'Change an event (a series as a whole); events of a connected calendar are changed there too',
      params: IdParams,
      body: UpdateCalendarEventBody,
      responses: { 200: CalendarEventResponse },
      errors: [404, 409, 503],
    },
    async ({ auth, params, body }) => {
      const row = await service.updateEvent(ctx, userOf(auth), params.id, {
        title: body.title,
        start: date(body.start),
        end: optionalDate(body.end),
        allDay: body.allDay,
        location: body.location,
        notes: body.notes,
        recurrence: body.recurrence,
        reminders: body.reminders,
      });
      return { status: 200, body: { event: service.toCalendarEvent(row) } };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/calendar/events/:id',
      tag: 'Calendar',
      summary: 'Delete an event (a series as a whole)',
      params: IdParams,
      responses: { 204: null },
      errors: [404, 409, 503],
    },
    async ({ auth, params }) => {
      await service.deleteEvent(ctx, userOf(auth), params.id);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/calendar/feed-url',
      tag: 'Calendar',
      summary: 'A new secret iCalendar subscription URL (the previous one stops working)',
      responses: { 200: CalendarFeedUrlResponse },
    },
    async ({ auth, req, res }) => {
      res.set('Cache-Control', 'no-store');
      return { status: 200, body: { url: await service.newFeedUrl(ctx, auth.userId, origin(ctx, req)) } };
    },
  );

  const feedLimit = createLimiter(ctx, 'calendar-feed', { windowMs: 60_000, limit: 60, keyGenerator: ipKey });
  api.route(
    {
      method: 'get',
      path: '/api/calendar/feed/:token.ics',
      tag: 'Calendar',
      summary: 'The iCalendar feed (RFC 5545); the secret token in the URL authenticates',
      auth: false,
      params: CalendarFeedParams,
      responses: { 200: 'text/calendar' },
      errors: [404, 429],
      before: [feedLimit],
    },
    async ({ params, res }) => {
      const text = await service.feedForToken(ctx, params.token);
      if (text === undefined) throw notFound('Calendar feed');
      res.set('Cache-Control', 'private, max-age=300');
      res.type('text/calendar; charset=utf-8').send(text);
    },
  );
}

function origin(ctx: AppContext, req: Request): string {
  return ctx.config.appUrl ?? `${req.protocol}://${req.get('host')}`;
}
