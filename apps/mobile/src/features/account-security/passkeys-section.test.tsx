import { act, fireEvent, screen, waitFor, within } from '@testing-library/react-native';
import type { Passkey } from '@lifeos/contract';
import { createFakeApi, json, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { PasskeysSection } from './passkeys-section';

jest.mock('@/lib/webauthn', () => ({ passkeysSupported: jest.fn(() => true), createPasskey: jest.fn(), getPasskey: jest.fn() }));
const webauthn = jest.requireMock('@/lib/webauthn') as { passkeysSupported: jest.Mock; createPasskey: jest.Mock };

const OPTIONS = { challengeId: '00000000-0000-4000-8000-0000000000cc', options: { challenge: 'xyz', rp: { id: 'localhost', name: 'LifeOS' } } };
const LAPTOP: Passkey = { id: '00000000-0000-4000-8000-0000000000d1', name: 'Work laptop', createdAt: '2026-11-30T08:00:00.000Z', lastUsedAt: '2026-12-01T07:30:00.000Z' };
const KEY: Passkey = { id: '00000000-0000-4000-8000-0000000000d2', name: null, createdAt: '2026-11-29T08:00:00.000Z', lastUsedAt: null };

function setup(initial: Passkey[] = []) {
  const fake = createFakeApi();
  let passkeys = [...initial];
  fake.state.overrides.set('GET /api/auth/me', () => json(200, { user: { id: 'u', email: 'ada@example.test', username: null, timezone: 'UTC', createdAt: '2026-11-01T00:00:00.000Z', settings: { memoryExtraction: false, timeFormat: '24h' } } }));
  fake.state.overrides.set('GET /api/auth/passkeys', () => json(200, { passkeys }));
  fake.state.overrides.set('POST /api/auth/passkeys/register/options', () => json(200, OPTIONS));
  fake.state.overrides.set('POST /api/auth/passkeys/register', ({ body }) => {
    const created = { id: '00000000-0000-4000-8000-0000000000d3', name: (body as { name?: string }).name ?? null, createdAt: '2026-12-01T10:00:00.000Z', lastUsedAt: null };
    passkeys = [...passkeys, created];
    return json(201, { passkey: created });
  });
  fake.state.overrides.set('DELETE /api/auth/passkeys/.+', ({ path }) => {
    const before = passkeys.length;
    passkeys = passkeys.filter((p) => !path.endsWith(p.id));
    return passkeys.length < before ? new Response(null, { status: 204 }) : problem(404, 'not_found', 'Passkey not found');
  });
  renderWithApp(<PasskeysSection />, { fetch: fake.fetch });
  return fake;
}

describe('Passkeys on the Account screen', () => {
  beforeEach(() => {
    webauthn.passkeysSupported.mockReturnValue(true);
    webauthn.createPasskey.mockReset();
  });

  it('when the account has passkeys, then each shows its name, when it was added and when it was last used', async () => {
    setup([LAPTOP, KEY]);
    const rows = await screen.findAllByTestId('passkey-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Work laptop')).toBeTruthy();
    expect(within(rows[0]!).getByText(/last used/)).toBeTruthy();
    expect(within(rows[1]!).getByText('Unnamed passkey')).toBeTruthy();
    expect(within(rows[1]!).getByText(/never used/)).toBeTruthy();
  });

  it('when a passkey is added with a name, then the browser gets the server’s options, the attestation goes back with the name, and the list shows it', async () => {
    webauthn.createPasskey.mockResolvedValue({ id: 'new-cred', rawId: 'new-cred', type: 'public-key', response: { attestationObject: 'a', clientDataJSON: 'c' } });
    const fake = setup();
    expect(await screen.findByText('No passkeys yet.')).toBeTruthy();
    fireEvent.changeText(screen.getByLabelText('Passkey name (optional)'), ' Phone ');
    await act(async () => fireEvent.press(screen.getByText('Add a passkey')));

    expect(await screen.findByText('Phone')).toBeTruthy();
    expect(screen.getByText(/Passkey added/)).toBeTruthy();
    expect(webauthn.createPasskey).toHaveBeenCalledWith(OPTIONS.options);
    const sent = fake.state.requests.find((r) => r.path === '/api/auth/passkeys/register')?.body;
    expect(sent).toEqual({ challengeId: OPTIONS.challengeId, name: 'Phone', response: { id: 'new-cred', rawId: 'new-cred', type: 'public-key', response: { attestationObject: 'a', clientDataJSON: 'c' } } });
  });

  it('when the person cancels the browser’s dialog, then it says no passkey was added and nothing is sent', async () => {
    webauthn.createPasskey.mockRejectedValue(Object.assign(new Error('The operation either timed out or was not allowed.'), { name: 'NotAllowedError' }));
    const fake = setup();
    await screen.findByText('No passkeys yet.');
    await act(async () => fireEvent.press(screen.getByText('Add a passkey')));
    expect(await screen.findByText('No passkey was added: the request was cancelled or timed out.')).toBeTruthy();
    expect(fake.state.requests.some((r) => r.path === '/api/auth/passkeys/register')).toBe(false);
  });

  it('when this device holds a passkey for the account already, then it says so', async () => {
    webauthn.createPasskey.mockRejectedValue(Object.assign(new Error('The authenticator was previously registered'), { name: 'InvalidStateError' }));
    setup([LAPTOP]);
    await screen.findByText('Work laptop');
    await act(async () => fireEvent.press(screen.getByText('Add a passkey')));
    expect(await screen.findByText('This device already holds a passkey for your account.')).toBeTruthy();
  });

  it('when Remove is confirmed in the app’s red dialog, then the passkey is deleted and leaves the list; Cancel keeps it', async () => {
    const fake = setup([LAPTOP, KEY]);
    await screen.findByText('Work laptop');

    fireEvent.press(screen.getByLabelText('Remove passkey Work laptop'));
    expect(await screen.findByText('Remove this passkey?')).toBeTruthy();
    fireEvent.press(screen.getByText('Cancel'));
    await waitFor(() => expect(screen.queryByText('Remove this passkey?')).toBeNull());
    expect(fake.state.requests.some((r) => r.method === 'DELETE')).toBe(false);

    fireEvent.press(screen.getByLabelText('Remove passkey Work laptop'));
    await act(async () => fireEvent.press(await screen.findByTestId('confirm-ok')));
    await waitFor(() => expect(screen.queryByText('Work laptop')).toBeNull());
    expect(fake.state.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api/auth/passkeys/${LAPTOP.id}`]);
    expect(screen.getByText('Unnamed passkey')).toBeTruthy();
  });

  it('when the platform has no WebAuthn (native), then the list and Remove stay but adding points to the web app', async () => {
    webauthn.passkeysSupported.mockReturnValue(false);
    setup([LAPTOP]);
    expect(await screen.findByText('Work laptop')).toBeTruthy();
    expect(screen.getByLabelText('Remove passkey Work laptop')).toBeTruthy();
    expect(screen.queryByText('Add a passkey')).toBeNull();
    expect(screen.getByText(/open LifeOS in a web browser/)).toBeTruthy();
  });
});
