import * as z from 'zod';
import { Message } from './messages.ts';

export const ActionResult = z.object({ reply: Message });
export type ActionResult = z.infer<typeof ActionResult>;
