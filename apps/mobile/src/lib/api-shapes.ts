// Shapes of API.md that the shared contract package does not describe yet.
// TODO: import these from @lifeos/contract once the memory feature adds its schemas there.
import * as z from 'zod';
import { IsoDateTime, Uuid } from '@lifeos/contract';

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
