import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import type { AccessToken } from '@lifeos/contract';
import { createFakeApi, json, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { AccessTokensSection } from './access-tokens-section';

jest.mock('@/lib/clipboard', () => ({ copyText: jest.fn(async () => true) }));
const { copyText } = jest.requireMock('@/lib/clipboard') as { copyText: jest.Mock };

const SECRET = 'lifeos_pat_s3cr3tV4lu3';
const BACKUP: AccessToken = {
  id: '77777777-7777-4777-8777-777777777777',
  name: 'Backup script',
  scopes: ['cal.read'],
  createdAt: '2026-11-20T09:00:00.000Z',
  expiresAt: null,
  lastUsedAt: null,
};

function setup(initial: AccessToken[] = []) {
  const fake = createFakeApi();
  let tokens = initial;
  fake.state.overrides.set('GET /api/auth/tokens', () => json(200, { tokens }));
  fake.state.overrides.set('POST /api/auth/tokens', ({ body }) => {
    const { name, scopes, expiresInDays } = body as { name: string; scopes: AccessToken['scopes']; expiresInDays?: number };
    if (name === 'taken') return problem(400, 'validation_failed', 'That name is in use');
    const accessToken: AccessToken = {
      id: '88888888-8888-4888-8888-888888888888',
      name,
      scopes,
      createdAt: '2026-12-01T10:00:00.000Z',
      expiresAt: expiresInDays ? new Date(Date.parse('2026-12-01T10:00:00.000Z') + expiresInDays * 86_400_000).toISOString() : null,
      lastUsedAt: null,
    };
    tokens = [accessToken, ...tokens];
    return json(201, { token: SECRET, accessToken });
  });
  fake.state.overrides.set(`DELETE /api/auth/tokens/${BACKUP.id}`, () => {
    tokens = tokens.filter((t) => t.id !== BACKUP.id);
    return new Response(null, { status: 204 });
  });
  renderWithApp(<AccessTokensSection />, { fetch: fake.fetch });
  return fake;
}

describe('Access tokens on the Account screen', () => {
  it('when a token is created, then its secret is shown once with Copy, and the list shows the new token', async () => {
    const fake = setup();
    expect(await screen.findByText('No tokens yet.')).toBeTruthy();

    fireEvent.changeText(screen.getByLabelText('Token name'), 'Claude Desktop');
    fireEvent.press(screen.getByRole('checkbox', { name: 'Write in your LifeOS chat' }));
    fireEvent.press(screen.getByRole('checkbox', { name: 'See your calendar' }));
    fireEvent.press(screen.getByRole('radio', { name: 'Expires after 30 days' }));
    fireEvent.press(screen.getByText('Create token'));

    expect(await screen.findByText(SECRET)).toBeTruthy();
    expect(screen.getByText(/will not be shown again/)).toBeTruthy();
    const post = fake.state.requests.find((r) => r.method === 'POST' && r.path === '/api/auth/tokens');
    expect(post?.body).toEqual({ name: 'Claude Desktop', scopes: ['chat', 'cal.read'], expiresInDays: 30 });
    await waitFor(() => expect(screen.getByLabelText('Revoke token Claude Desktop')).toBeTruthy());
    expect(screen.getByText(/^Expires .*2026/)).toBeTruthy();

    await act(async () => fireEvent.press(screen.getByText('Copy token')));
    expect(copyText).toHaveBeenCalledWith(SECRET);
    expect(screen.getByText('Copied')).toBeTruthy();

    fireEvent.press(screen.getByText('Done'));
    await waitFor(() => expect(screen.queryByText(SECRET)).toBeNull());
    expect(screen.getByLabelText('Revoke token Claude Desktop')).toBeTruthy();
  });

  it('when no scope is ticked, then nothing is sent and the form says what is missing', async () => {
    const fake = setup();
    await screen.findByText('No tokens yet.');
    fireEvent.changeText(screen.getByLabelText('Token name'), 'Script');
    fireEvent.press(screen.getByText('Create token'));
    expect(await screen.findByText(/Tick at least one/)).toBeTruthy();
    expect(fake.state.requests.some((r) => r.method === 'POST' && r.path === '/api/auth/tokens')).toBe(false);
  });

  it('when the server refuses the token, then its message is shown and no secret appears', async () => {
    setup();
    await screen.findByText('No tokens yet.');
    fireEvent.changeText(screen.getByLabelText('Token name'), 'taken');
    fireEvent.press(screen.getByRole('checkbox', { name: 'Read your mail' }));
    fireEvent.press(screen.getByText('Create token'));
    expect(await screen.findByText('That name is in use')).toBeTruthy();
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it('when Revoke is confirmed, then the token is deleted and leaves the list; cancelled, nothing is deleted', async () => {
    const fake = setup([BACKUP]);
    expect(await screen.findByText('Backup script')).toBeTruthy();
    expect(screen.getByText(/never used/)).toBeTruthy();
    expect(screen.getByText('Never expires')).toBeTruthy();

    fireEvent.press(screen.getByLabelText('Revoke token Backup script'));
    expect(await screen.findByText('Revoke this token?')).toBeTruthy();
    await act(async () => fireEvent.press(screen.getByTestId('confirm-cancel')));
    expect(fake.state.requests.some((r) => r.method === 'DELETE')).toBe(false);

    fireEvent.press(screen.getByLabelText('Revoke token Backup script'));
    expect(await screen.findByText('Revoke this token?')).toBeTruthy();
    await act(async () => fireEvent.press(screen.getByTestId('confirm-ok')));

    await waitFor(() => expect(screen.queryByText('Backup script')).toBeNull());
    expect(fake.state.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api/auth/tokens/${BACKUP.id}`]);
  });
});
