// Password hashing (argon2id) behind a gate: at most `concurrency` hashes run
// at once and `queue` more may wait; anything past that is answered 503 at
// once rather than letting a flood of logins queue on the libuv thread pool,
// where every real user's sign-in (and every file or DNS call) would wait too.
import { hash, verify } from '@node-rs/argon2';
import type { AppContext } from '../../context.ts';
import { HttpError } from '../../http/errors.ts';

// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. Runs on the
// libuv thread pool, so the event loop keeps serving while it hashes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Counts running hashes; callers over the limit wait in line, up to `queue` of them. */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly queue: number;

  constructor(concurrency: number, queue: number) {
    this.concurrency = concurrency;
    this.queue = queue;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw new HttpError(503, 'service_unavailable', 'The server is busy checking passwords; try again in a moment', {
          headers: { 'Retry-After': '1' },
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so `running` never overshoots.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const gate = (ctx: AppContext) => ctx.passwordHashes;

export const hashPassword = (ctx: AppContext, password: string) => gate(ctx).run(() => hash(password, OPTIONS));

/** Outside any server (seeding scripts): the same hash, not gated. */
export const hashPasswordOffline = (password: string) => hash(password, OPTIONS);

export const verifyPassword = (ctx: AppContext, passwordHash: string, password: string) =>
  gate(ctx).run(() => verify(passwordHash, password).catch(() => false));

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so an unknown email cannot be told from a wrong password. */
export async function verifyAgainstDummy(ctx: AppContext, password: string): Promise<false> {
  dummyHash ??= hash('not-a-real-password-0f3a9c', OPTIONS);
  await verifyPassword(ctx, await dummyHash, password);
  return false;
}
