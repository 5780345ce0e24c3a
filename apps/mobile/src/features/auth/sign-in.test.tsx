import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { createFakeApi, json, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { AuthForm } from './auth-form';
import { waitPhrase } from './second-step-form';

jest.mock('expo-router', () => {
  const { Text } = require('react-native');
  return { Link: ({ children }: { children: unknown }) => <Text>{children}</Text> };
});
jest.mock('@/lib/webauthn', () => ({ passkeysSupported: jest.fn(() => false), getPasskey: jest.fn(), createPasskey: jest.fn() }));
const webauthn = jest.requireMock('@/lib/webauthn') as { passkeysSupported: jest.Mock; getPasskey: jest.Mock };

const USER = { id: '00000000-0000-4000-8000-0000000000aa', email: 'ada@example.test', username: null, timezone: 'UTC', createdAt: '2026-12-01T00:00:00.000Z', settings: { memoryExtraction: false, timeFormat: '24h' } };
const auth = (n: number) => ({ user: USER, accessToken: `signed-in-${n}`, accessTokenExpiresAt: '2026-12-01T01:00:00.000Z', refreshToken: `refresh-signed-in-${n}` });
const MFA_REQUIRED = { type: 'about:blank', title: 'Second factor required', status: 401, code: 'mfa_required', detail: 'Enter the code from your authenticator app (or a recovery code)', mfaToken: 'mfa_ticket' };

function setup() {
  const fake = createFakeApi();
  fake.state.overrides.set('POST /api/auth/login', () => json(401, MFA_REQUIRED));
  const view = renderWithApp(<AuthForm mode="login" />, { fetch: fake.fetch });
  return { fake, ...view };
}

async function password() {
  fireEvent.changeText(screen.getByTestId('auth-email'), 'ada@example.test');
  fireEvent.changeText(screen.getByTestId('auth-password'), 'correct horse battery');
  await act(async () => fireEvent.press(screen.getByTestId('auth-submit')));
  return screen.findByLabelText('Code from your app');
}

const secondSteps = (fake: ReturnType<typeof createFakeApi>) => fake.state.requests.filter((r) => r.path === '/api/auth/login/mfa').map((r) => r.body);

describe('Signing in with two-factor on', () => {
  beforeEach(() => webauthn.passkeysSupported.mockReturnValue(false));

  it('when the password is right and two-factor is on, then a code step appears, and the right code signs in', async () => {
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/login/mfa', ({ body }) => ((body as { code: string }).code === '123456' ? json(200, auth(1)) : problem(401, 'invalid_credentials', 'The code is incorrect or was used already')));
    await password();
    expect(screen.queryByTestId('auth-password')).toBeNull();
    expect(screen.getByText(/Enter the 6-digit code from your authenticator app/)).toBeTruthy();

    fireEvent.changeText(screen.getByLabelText('Code from your app'), '123 456');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    await waitFor(() => expect(tokenStore.current?.accessToken).toBe('signed-in-1'));
    expect(secondSteps(fake)).toEqual([{ mfaToken: 'mfa_ticket', code: '123456' }]);
  });

  it('when the code is wrong, then it says so and the same step can be tried again', async () => {
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/login/mfa', ({ body }) => ((body as { code: string }).code === '222222' ? json(200, auth(2)) : problem(401, 'invalid_credentials', 'The code is incorrect or was used already')));
    await password();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '111111');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    expect(await screen.findByText(/That code is not right, or it was used already/)).toBeTruthy();
    expect(tokenStore.current?.accessToken).toBe('access-1');

    fireEvent.changeText(screen.getByLabelText('Code from your app'), '222222');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    await waitFor(() => expect(tokenStore.current?.accessToken).toBe('signed-in-2'));
  });

  it('when something other than six digits is typed, then nothing is sent and it asks for the code', async () => {
    const { fake } = setup();
    await password();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '12a');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    expect(screen.getByText('Enter the 6-digit code your app shows.')).toBeTruthy();
    expect(secondSteps(fake)).toEqual([]);
  });

  it('when "Use a recovery code" is chosen, then a recovery code is sent as typed and signs in', async () => {
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/login/mfa', () => json(200, auth(3)));
    await password();
    fireEvent.press(screen.getByText('Use a recovery code'));
    fireEvent.changeText(await screen.findByLabelText('Recovery code'), ' ABCD-EFGH-JKMN-PQRS ');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    await waitFor(() => expect(tokenStore.current?.accessToken).toBe('signed-in-3'));
    expect(secondSteps(fake)).toEqual([{ mfaToken: 'mfa_ticket', code: 'ABCD-EFGH-JKMN-PQRS' }]);
  });

  it('when too many codes were tried, then it says when to try again', async () => {
    const { fake } = setup();
    fake.state.overrides.set('POST /api/auth/login/mfa', () => json(429, { type: 'about:blank', title: 'rate_limited', status: 429, code: 'rate_limited', detail: 'Too many requests' }, { 'Retry-After': '240' }));
    await password();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '123456');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    expect(await screen.findByText('Too many attempts. You can try again in 4 minutes.')).toBeTruthy();
  });

  it('when the step has expired, then the password form comes back with a plain reason', async () => {
    const { fake } = setup();
    fake.state.overrides.set('POST /api/auth/login/mfa', () => problem(401, 'unauthorized', 'The sign-in step has expired or was completed; sign in again'));
    await password();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '123456');
    await act(async () => fireEvent.press(screen.getByTestId('auth-mfa-submit')));
    expect(await screen.findByText(/That sign-in took too long/)).toBeTruthy();
    expect(screen.getByTestId('auth-password')).toBeTruthy();
    expect(screen.queryByLabelText('Code from your app')).toBeNull();
  });

  it('when two-factor is off, then the password alone signs in with no code step', async () => {
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/login', () => json(200, auth(4)));
    fireEvent.changeText(screen.getByTestId('auth-email'), 'ada@example.test');
    fireEvent.changeText(screen.getByTestId('auth-password'), 'correct horse battery');
    await act(async () => fireEvent.press(screen.getByTestId('auth-submit')));
    await waitFor(() => expect(tokenStore.current?.accessToken).toBe('signed-in-4'));
    expect(screen.queryByLabelText('Code from your app')).toBeNull();
  });
});

describe('Signing in with a passkey', () => {
  const options = { challengeId: '00000000-0000-4000-8000-0000000000bb', options: { challenge: 'abc', rpId: 'localhost' } };

  it('when the platform has no WebAuthn (native), then there is no passkey button', () => {
    webauthn.passkeysSupported.mockReturnValue(false);
    setup();
    expect(screen.queryByText('Sign in with a passkey')).toBeNull();
  });

  it('when the browser returns an assertion, then it is sent with the ceremony id and signs in without an email', async () => {
    webauthn.passkeysSupported.mockReturnValue(true);
    webauthn.getPasskey.mockResolvedValue({ id: 'cred', rawId: 'cred', type: 'public-key', response: {} });
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/passkeys/login/options', () => json(200, options));
    fake.state.overrides.set('POST /api/auth/passkeys/login', () => json(200, auth(5)));
    await act(async () => fireEvent.press(screen.getByText('Sign in with a passkey')));
    await waitFor(() => expect(tokenStore.current?.accessToken).toBe('signed-in-5'));
    expect(webauthn.getPasskey).toHaveBeenCalledWith(options.options);
    const sent = fake.state.requests.find((r) => r.path === '/api/auth/passkeys/login')?.body as { challengeId: string; response: unknown };
    expect(sent.challengeId).toBe(options.challengeId);
    expect(sent.response).toEqual({ id: 'cred', rawId: 'cred', type: 'public-key', response: {} });
  });

  it('when the person cancels the browser’s passkey dialog, then it says so in plain words and stays signed out', async () => {
    webauthn.passkeysSupported.mockReturnValue(true);
    webauthn.getPasskey.mockRejectedValue(Object.assign(new Error('The operation either timed out or was not allowed.'), { name: 'NotAllowedError' }));
    const { fake, tokenStore } = setup();
    fake.state.overrides.set('POST /api/auth/passkeys/login/options', () => json(200, options));
    await act(async () => fireEvent.press(screen.getByText('Sign in with a passkey')));
    expect(await screen.findByText('Signing in with a passkey was cancelled or timed out.')).toBeTruthy();
    expect(tokenStore.current?.accessToken).toBe('access-1');
    expect(fake.state.requests.some((r) => r.path === '/api/auth/passkeys/login')).toBe(false);
  });

  it('when the server does not know the passkey, then it suggests the password instead', async () => {
    webauthn.passkeysSupported.mockReturnValue(true);
    webauthn.getPasskey.mockResolvedValue({ id: 'gone' });
    const { fake } = setup();
    fake.state.overrides.set('POST /api/auth/passkeys/login/options', () => json(200, options));
    fake.state.overrides.set('POST /api/auth/passkeys/login', () => problem(401, 'invalid_credentials', 'This passkey could not sign you in'));
    await act(async () => fireEvent.press(screen.getByText('Sign in with a passkey')));
    expect(await screen.findByText(/It may have been removed from your account; sign in with your password instead/)).toBeTruthy();
  });
});

describe('waitPhrase', () => {
  it.each([
    [null, 'in a few minutes'],
    [1, 'in 1 second'],
    [45, 'in 45 seconds'],
    [240, 'in 4 minutes'],
    [899, 'in 15 minutes'],
  ])('when the server says wait %p seconds, then the screen says "%s"', (seconds, phrase) => {
    expect(waitPhrase(seconds)).toBe(phrase);
  });
});
