// Shapes of API.md that the shared contract package does not describe yet.
// TODO: import these from @lifeos/contract once the calendar, memory and
// connections features add their schemas there.
import * as z from 'zod';
import { Email, IsoDateTime, Uuid } from '@lifeos/contract';

export const CalendarEvent = z.object({
  id: Uuid,
  title: z.string(),
  start: IsoDateTime,
  end: IsoDateTime,
  allDay: z.boolean(),
  location: z.string().nullable(),
  notes: z.string().nullable(),
  source: z.enum(['local', 'google', 'caldav']),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type CalendarEvent = z.infer<typeof CalendarEvent>;
export const CalendarEventsResponse = z.object({ events: z.array(CalendarEvent) });

export const Memory = z.object({
  id: Uuid,
  content: z.string(),
  sourceMessageId: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Memory = z.infer<typeof Memory>;
export const MemoriesResponse = z.object({ memories: z.array(Memory) });
export const MemoryResponse = z.object({ memory: Memory });

export const Connection = z.object({
  id: Uuid,
  provider: z.enum(['google', 'imap']),
  account: z.string(),
  status: z.enum(['ok', 'error']),
  createdAt: IsoDateTime,
});
export type Connection = z.infer<typeof Connection>;
export const ConnectionsResponse = z.object({ connections: z.array(Connection) });
export const ConnectionResponse = z.object({ connection: Connection });
export const ImapConnectionBody = z.object({
  email: Email,
  imapHost: z.string().trim().min(1, 'Required').max(255),
  imapPort: z.number().int().min(1).max(65535),
  imapSecure: z.boolean(),
  smtpHost: z.string().trim().min(1, 'Required').max(255),
  smtpPort: z.number().int().min(1).max(65535),
  smtpSecure: z.boolean(),
  username: z.string().trim().min(1, 'Required').max(255),
  password: z.string().min(1, 'Required').max(1024),
});
export type ImapConnectionBody = z.infer<typeof ImapConnectionBody>;
export const UrlResponse = z.object({ url: z.string() });
