import * as z from 'zod';
import { IsoDateTime, nonBlank, Uuid } from './common.ts';

export const MAX_MEMORY_LENGTH = 10_000;

/** Something the user asked @mem to keep. */
export const Memory = z
  .object({
    id: Uuid,
    content: z.string(),
    /** The chat message it came from; null when it was made over the REST API. */
    sourceMessageId: Uuid.nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Memory' });
export type Memory = z.infer<typeof Memory>;

export const MemoriesQuery = z.object({
  /** Search text: results come best match first. Without it, newest first. */
  q: z
    .string()
    .max(1000)
    .transform((s) => s.trim())
    .optional()
    .meta({ description: 'Search text; results are best match first. Blank or absent: newest first.' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type MemoriesQuery = z.infer<typeof MemoriesQuery>;

export const MemoriesResponse = z.object({ memories: z.array(Memory) });
export type MemoriesResponse = z.infer<typeof MemoriesResponse>;

export const MemoryResponse = z.object({ memory: Memory });
export type MemoryResponse = z.infer<typeof MemoryResponse>;

export const CreateMemoryBody = z.object({ content: nonBlank(MAX_MEMORY_LENGTH) }).meta({ id: 'CreateMemory' });
export type CreateMemoryBody = z.infer<typeof CreateMemoryBody>;

export const UpdateMemoryBody = z.object({ content: nonBlank(MAX_MEMORY_LENGTH) }).meta({ id: 'UpdateMemory' });
export type UpdateMemoryBody = z.infer<typeof UpdateMemoryBody>;

/**
 * `metadata.memory` of an @mem reply: what it stored, changed, found or listed,
 * so a client can link each memory (and its source message).
 */
export const MemReplyMetadata = z
  .object({
    kind: z.enum(['stored', 'known', 'updated', 'recalled', 'not_found', 'listed', 'choose', 'forget_proposed', 'forgotten', 'help']),
    memories: z.array(Memory),
    /** For `updated`: the content before the change. */
    previousContent: z.string().optional(),
    /** For `listed`: how many memories the user has in all. */
    total: z.number().int().optional(),
  })
  .meta({ id: 'MemReplyMetadata' });
export type MemReplyMetadata = z.infer<typeof MemReplyMetadata>;
