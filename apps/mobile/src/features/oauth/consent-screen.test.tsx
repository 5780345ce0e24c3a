import { screen, waitFor } from '@testing-library/react-native';
import type { OAuthConsentRequest } from '@lifeos/contract';
import { createFakeApi, json } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { ConsentScreen } from './consent-screen';

const ID = '77777777-7777-4777-8777-777777777777';

jest.mock('expo-router', () => ({ useLocalSearchParams: () => ({ request: '77777777-7777-4777-8777-777777777777' }) }));
jest.mock('@/lib/open-url', () => ({ openExternalUrl: jest.fn(async () => undefined) }));

function setup(client: OAuthConsentRequest['client']) {
  const fake = createFakeApi();
  const request: OAuthConsentRequest = { id: ID, client, scopes: ['cal.read'], expiresAt: '2026-12-01T10:10:00.000Z' };
  fake.state.overrides.set(`GET /api/oauth/requests/${ID}`, () => json(200, { request }));
  renderWithApp(<ConsentScreen />, { fetch: fake.fetch });
}

describe('The consent screen for an MCP client', () => {
  it('when the client is known by its metadata document URL, then the host that publishes it is shown next to its name', async () => {
    setup({ name: 'Claude', redirectHost: 'claude.ai', host: 'claude.ai' });
    await waitFor(() => expect(screen.getByText('Allow Claude to use your LifeOS?')).toBeTruthy());
    expect(screen.getByText(/Published by claude\.ai/)).toBeTruthy();
    expect(screen.getByText(/See your calendar/)).toBeTruthy();
  });

  it('when the client registered itself, then no publisher is claimed', async () => {
    setup({ name: 'Some Desktop', redirectHost: '127.0.0.1:33418', host: null });
    await waitFor(() => expect(screen.getByText('Allow Some Desktop to use your LifeOS?')).toBeTruthy());
    expect(screen.queryByText(/Published by/)).toBeNull();
  });
});
