import { CreateReminderBody, IdParams, ListRemindersQuery, ReminderResponse, RemindersResponse, UpdateReminderBody } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/api.ts';
import * as reminders from './reminders.service.ts';

const tag = 'Reminders';

export function registerReminderRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/reminders',
      tag,
      summary: 'Your reminders (scheduled and delivered, or one of them with `status`), by due time',
      query: ListRemindersQuery,
      responses: { 200: RemindersResponse },
    },
    async ({ auth, query }) => ({
      status: 200,
      body: { reminders: (await reminders.listReminders(ctx, auth.userId, query.status)).map(reminders.toReminder) },
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/reminders',
      tag,
      summary: 'Be reminded at `dueAt`: a message from @cal in the chat and a push notification to your devices',
      body: CreateReminderBody,
      responses: { 201: ReminderResponse },
    },
    async ({ auth, body }) => ({
      status: 201,
      body: { reminder: reminders.toReminder(await reminders.createReminder(ctx, auth.userId, { text: body.text, dueAt: new Date(body.dueAt) })) },
    }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/reminders/:id',
      tag,
      summary: 'Change the text or time of a reminder (a new time on a delivered one schedules it again)',
      params: IdParams,
      body: UpdateReminderBody,
      responses: { 200: ReminderResponse },
      errors: [404],
    },
    async ({ auth, params, body }) => ({
      status: 200,
      body: {
        reminder: reminders.toReminder(
          await reminders.updateReminder(ctx, auth.userId, params.id, {
            ...(body.text !== undefined ? { text: body.text } : {}),
            ...(body.dueAt !== undefined ? { dueAt: new Date(body.dueAt) } : {}),
          }),
        ),
      },
    }),
  );

  api.route(
    { method: 'delete', path: '/api/reminders/:id', tag, summary: 'Cancel a reminder', params: IdParams, responses: { 204: null }, errors: [404] },
    async ({ auth, params }) => {
      await reminders.cancelReminder(ctx, auth.userId, params.id);
      return { status: 204 };
    },
  );
}
