import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../http/errors.ts';
import { HashGate } from './passwords.ts';

describe('HashGate', () => {
  it('when more work arrives than may run and wait, then the rest is refused with 503 at once and the waiting work runs in order', async () => {
    const gate = new HashGate(1, 2);
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const job = (i: number) =>
      gate.run(
        () =>
          new Promise<number>((resolve) => {
            order.push(i);
            releases.push(() => resolve(i));
          }),
      );
    const results = [1, 2, 3, 4, 5].map((i) => job(i).then((v) => ({ ok: v }), (err: unknown) => ({ err })));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [1]);
    for (let n = 0; n < 3; n++) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    const settled = await Promise.all(results);
    assert.deepEqual(order, [1, 2, 3]);
    assert.deepEqual(settled.slice(0, 3), [{ ok: 1 }, { ok: 2 }, { ok: 3 }]);
    for (const r of settled.slice(3)) {
      const err = (r as { err: HttpError }).err;
      assert.ok(err instanceof HttpError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'service_unavailable');
      assert.equal(err.headers?.['Retry-After'], '1');
    }
    // Free again: new work runs at once.
    const later = job(6);
    await new Promise((r) => setImmediate(r));
    releases.shift()!();
    assert.equal(await later, 6);
  });
});
