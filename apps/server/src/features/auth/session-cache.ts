// The per-request session check without a database query on every request:
// a short-lived cache of (session, user) per instance, kept exact by the bus.
//
// Revocation stays immediate, on every instance: logout, deleting a session, a
// password change, a reused refresh token and account deletion go through
// `publishAuthEvent`, which drops the entry here synchronously, then announces
// `session.revoked` (profile changes: `user.updated`) to every instance. Before
// a cached entry is used, the request waits for the bus's barrier: one round
// trip on the subscription's own connection (PostgreSQL LISTEN or Redis),
// shared by all requests waiting at that moment, after which every event
// published before the request arrived has been applied. A result read while
// an event for that user was arriving is not stored; entries expire after
// TTL_MS regardless; if the bus cannot be reached, nothing is cached.
import type { User } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { BusEvent } from '../../lib/event-bus.ts';
import * as repo from './auth.repo.ts';

export const SESSION_REVOKED = 'session.revoked';
export const USER_UPDATED = 'user.updated';

const TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;
/** lastUsedAt is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

interface Entry {
  userId: string;
  user: User;
  expiresAt: number;
  lastUsedAt: number;
  revoked: boolean;
  cachedAt: number;
}

interface UserWatch {
  /** Bumped by every event that may change what is cached for the user. */
  epoch: number;
  sessions: Set<string>;
  unsubscribe: Promise<() => Promise<void>>;
}

export interface SessionRecord {
  userId: string;
  user: User;
  expiresAt: Date;
  lastUsedAt: Date;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly users = new Map<string, UserWatch>();
  readonly #ctx: () => AppContext;
  private readonly toUser: (row: repo.UserRow) => User;

  /** `ctx` is read on use: the cache is made with the context it belongs to (bootstrap.ts). */
  constructor(ctx: () => AppContext, toUser: (row: repo.UserRow) => User) {
    this.#ctx = ctx;
    this.toUser = toUser;
  }

  private get ctx(): AppContext {
    return this.#ctx();
  }

  /** True once every event published before now has been applied; false if the bus cannot say. */
  private async settled(): Promise<boolean> {
    try {
      await this.ctx.bus.barrier();
      return true;
    } catch {
      return false;
    }
  }

  /** Applies an auth event to this instance's entries at once (before it goes out on the bus). */
  apply(event: BusEvent): void {
    const watch = this.users.get(event.userId);
    if (watch) this.onEvent(watch, event);
  }

  /** The session if it exists and is not revoked; expiry and idleness are the caller's checks. */
  async find(sessionId: string, userId: string): Promise<SessionRecord | undefined> {
    const hit = this.entries.get(sessionId);
    if (hit && hit.userId === userId && performance.now() - hit.cachedAt < TTL_MS) {
      // A revocation is final: the marker needs no barrier.
      if (hit.revoked) return undefined;
      if (await this.settled()) {
        // Looked at again: the barrier may have delivered a revocation or a profile change.
        if (hit.revoked) return undefined;
        if (this.entries.get(sessionId) === hit) {
          return { userId, user: hit.user, expiresAt: new Date(hit.expiresAt), lastUsedAt: new Date(hit.lastUsedAt) };
        }
      }
    }
    const watch = await this.watch(userId);
    const epoch = watch?.epoch;
    const row = await repo.findActiveSession(this.ctx.db, sessionId, userId);
    if (!row) return undefined;
    const entry: Entry = {
      userId,
      user: this.toUser(row.user),
      expiresAt: row.session.expiresAt.getTime(),
      lastUsedAt: row.session.lastUsedAt?.getTime() ?? 0,
      revoked: false,
      cachedAt: performance.now(),
    };
    // Only a result that no event overtook may be reused.
    if (watch && this.users.get(userId) === watch && watch.epoch === epoch) this.store(sessionId, entry, watch);
    return { userId, user: entry.user, expiresAt: row.session.expiresAt, lastUsedAt: row.session.lastUsedAt ?? new Date(0) };
  }

  /** Records a use of a session found usable; written to the database at most once a minute. */
  async touch(sessionId: string, lastUsedAt: Date, now: Date): Promise<void> {
    if (now.getTime() - lastUsedAt.getTime() <= TOUCH_EVERY_MS) return;
    const entry = this.entries.get(sessionId);
    if (entry) entry.lastUsedAt = now.getTime();
    await repo.touchSession(this.ctx.db, sessionId, now);
  }

  private store(sessionId: string, entry: Entry, watch: UserWatch): void {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, entry);
    watch.sessions.add(sessionId);
    while (this.entries.size > MAX_ENTRIES) this.evict(this.entries.keys().next().value!);
  }

  private evict(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    this.entries.delete(sessionId);
    const watch = this.users.get(entry.userId);
    watch?.sessions.delete(sessionId);
    if (watch && watch.sessions.size === 0) {
      this.users.delete(entry.userId);
      void watch.unsubscribe.then((stop) => stop()).catch(() => undefined);
    }
  }

  /** Subscribes to the user's events (once); undefined when the bus cannot be reached: no caching then. */
  private async watch(userId: string): Promise<UserWatch | undefined> {
    let watch = this.users.get(userId);
    if (!watch) {
      const created: UserWatch = { epoch: 0, sessions: new Set(), unsubscribe: undefined as never };
      created.unsubscribe = this.ctx.bus.subscribe(userId, (event) => this.onEvent(created, event));
      this.users.set(userId, (watch = created));
      created.unsubscribe.catch(() => {
        if (this.users.get(userId) === created) this.users.delete(userId);
      });
    }
    try {
      await watch.unsubscribe;
      return watch;
    } catch {
      return undefined;
    }
  }

  private onEvent(watch: UserWatch, event: BusEvent): void {
    if (event.type !== SESSION_REVOKED && event.type !== USER_UPDATED) return;
    watch.epoch++;
    const sessionId = (event.data as { sessionId?: string } | null)?.sessionId;
    for (const id of watch.sessions) {
      if (event.type === USER_UPDATED || sessionId === '*' || sessionId === id) {
        // Kept as a revoked marker until it ages out, so a stale read cannot bring it back.
        const entry = this.entries.get(id);
        if (entry && event.type === SESSION_REVOKED) entry.revoked = true;
        else this.entries.delete(id);
      }
    }
  }
}

/** Announces a revocation or profile change: dropped from this instance's cache first, then published to all. */
export async function publishAuthEvent(ctx: AppContext, event: BusEvent & { type: typeof SESSION_REVOKED | typeof USER_UPDATED }): Promise<void> {
  ctx.sessions.apply(event);
  await ctx.bus.publish(event);
}
