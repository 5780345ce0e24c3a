import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { logEvent } from '../../lib/events.ts';
import { deleteUserAndData, requirePassword, userForExport } from '../auth/auth.service.ts';
import { SESSION_REVOKED, publishAuthEvent } from '../auth/session-cache.ts';
import { forgetMemoryIndex } from '../memory/memory.service.ts';
import { exportSections } from './export-sections.ts';

export async function exportAccount(ctx: AppContext, auth: AuthInfo): Promise<Record<string, unknown>> {
  const user = await userForExport(ctx, auth.userId);
  const sections = await Promise.all(exportSections.map((section) => section(ctx, auth.userId)));
  return {
    exportedAt: ctx.now().toISOString(),
    user: user ?? {},
    ...Object.assign({}, ...sections),
  };
}

/** Deletes the user and, by ON DELETE CASCADE, everything of theirs, in one statement. */
export async function deleteAccount(ctx: AppContext, auth: AuthInfo, password: string): Promise<void> {
  await requirePassword(ctx, auth.userId, password);
  await deleteUserAndData(ctx, auth.userId);
  forgetMemoryIndex(ctx, auth.userId);
  await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId: '*' } });
  logEvent(ctx, 'account.deleted', { userId: auth.userId });
}
