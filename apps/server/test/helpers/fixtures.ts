// Starting several fixtures at once without leaking any: when one fails to
// start, the ones that did start are stopped before the error is thrown, so a
// test file whose fixture fails still ends.

export type Fixture = { close(): Promise<unknown> } | { stop(): Promise<unknown> };

export const release = (fixture: Fixture): Promise<unknown> => ('close' in fixture ? fixture.close() : fixture.stop());

/** Like Promise.all for fixtures; on any failure, releases the started ones and rethrows the first error. */
export async function startTogether<T extends readonly Promise<Fixture>[]>(starts: [...T]): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [release(s.value)] : [])));
    throw failure.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<Fixture>).value) as { [K in keyof T]: Awaited<T[K]> };
}
