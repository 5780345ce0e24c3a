// node bench/login-mfa.ts [--rounds 30]
//
// What two-factor adds to a sign-in: the same user signs in `rounds` times
// with a password alone, then with TOTP on (password, then the second step
// with a fresh code), against an in-process server on PGlite. Prints p50/p95.
import { parseArgs } from 'node:util';
import * as OTPAuth from 'otpauth';
import { as, registerUser, request } from '../apps/server/test/helpers/http.ts';
import { startTestServer } from '../apps/server/test/helpers/server.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } });
const rounds = Number(args.rounds);

// Each code's step may be used once: the server's clock moves 30 s per sign-in.
let now = Math.floor(Date.now() / 30_000) * 30_000 + 1_000;
const server = await startTestServer({ now: new Date(now), env: { RATE_LIMIT_LOGIN: '100000' } });
const tick = () => {
  now += 30_000;
  server.clock.now = new Date(now);
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);

try {
  const user = await registerUser(server.url);
  const login = () => request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } });
  const plain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    if ((await login()).status !== 200) throw new Error('login failed');
    plain.push(performance.now() - t);
  }

  const me = as(server.url, user.accessToken);
  const { secret } = (await me.post('/api/auth/mfa/totp')).body;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
  if ((await me.post('/api/auth/mfa/totp/verify', { code: totp.generate({ timestamp: now }) })).status !== 200) throw new Error('verify failed');
  const withTotp: number[] = [];
  const secondStep: number[] = [];
  for (let i = 0; i < rounds; i++) {
    tick();
    const code = totp.generate({ timestamp: now });
    const t = performance.now();
    const first = await login();
    const t2 = performance.now();
    const done = await request(server.url, 'POST', '/api/auth/login/mfa', { body: { mfaToken: first.body.mfaToken, code } });
    if (done.status !== 200) throw new Error(`second step failed: ${done.status} ${JSON.stringify(done.body)}`);
    withTotp.push(performance.now() - t);
    secondStep.push(performance.now() - t2);
  }
  console.log(`password only:      p50 ${pct(plain, 50)} ms, p95 ${pct(plain, 95)} ms (${rounds} sign-ins)`);
  console.log(`with TOTP (2 steps): p50 ${pct(withTotp, 50)} ms, p95 ${pct(withTotp, 95)} ms; the second step alone p50 ${pct(secondStep, 50)} ms`);
} finally {
  await server.close();
}
