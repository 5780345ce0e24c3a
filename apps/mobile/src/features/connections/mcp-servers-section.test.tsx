import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import type { McpServer } from '@lifeos/contract';
import { createFakeApi, json, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { openExternalUrl } from '@/lib/open-url';
import { McpServersSection } from './mcp-servers-section';

jest.mock('@/lib/open-url', () => ({ openExternalUrl: jest.fn(async () => undefined) }));


const SERVER: McpServer = {
  id: '66666666-6666-4666-8666-666666666666',
  name: 'Weather desk',
  url: 'https://mcp.example.com/mcp',
  status: 'ok',
  statusDetail: null,
  tools: [
    { name: 'get_forecast', exposedName: 'weather_desk__get_forecast', description: 'The forecast for a city', readOnly: true },
    { name: 'create_ticket', exposedName: 'weather_desk__create_ticket', description: 'Opens a ticket', readOnly: false },
  ],
  createdAt: '2026-12-01T09:00:00.000Z',
};

function setup() {
  const fake = createFakeApi();
  let servers: McpServer[] = [];
  fake.state.overrides.set('GET /api/mcp/servers', () => json(200, { servers }));
  fake.state.overrides.set('POST /api/mcp/servers', ({ body }) => {
    const { name, url } = body as { name: string; url: string };
    if (url.includes('down')) return problem(400, 'connection_failed', 'Cannot connect to down.example.com: nothing answered at that address');
    servers = [{ ...SERVER, name, url }];
    return json(201, { server: servers[0] });
  });
  fake.state.overrides.set(`DELETE /api/mcp/servers/${SERVER.id}`, () => {
    servers = [];
    return new Response(null, { status: 204 });
  });
  renderWithApp(<McpServersSection />, { fetch: fake.fetch });
  return fake;
}

function fill(name: string, url: string, token: string) {
  fireEvent.changeText(screen.getByLabelText('Name'), name);
  fireEvent.changeText(screen.getByLabelText('Server URL'), url);
  fireEvent.changeText(screen.getByLabelText('Token (optional)'), token);
  fireEvent.press(screen.getByText('Add MCP server'));
}

describe('MCP servers on the Connections screen', () => {
  it('when a server is added, then it is listed with its tools, writing ones marked, and the token goes only in the request', async () => {
    const fake = setup();
    fill('Weather desk', 'https://mcp.example.com/mcp', 'tok-123');

    await waitFor(() => expect(screen.getByText('Weather desk')).toBeTruthy());
    expect(screen.getByText(/get_forecast/)).toBeTruthy();
    expect(screen.getByText(/create_ticket.*asks first/)).toBeTruthy();
    const post = fake.state.requests.find((r) => r.method === 'POST' && r.path === '/api/mcp/servers');
    expect(post?.body).toEqual({ name: 'Weather desk', url: 'https://mcp.example.com/mcp', token: 'tok-123' });
    expect(screen.queryByText(/tok-123/)).toBeNull();
  });

  it('when the server cannot be reached, then the reason is shown and nothing is listed', async () => {
    setup();
    fill('Down', 'https://down.example.com/mcp', '');
    await waitFor(() => expect(screen.getByText(/nothing answered at that address/)).toBeTruthy());
    expect(screen.queryByText('Down')).toBeNull();
  });

  it('when Refresh is pressed, then the tools are listed again', async () => {
    const fake = setup();
    fill('Weather desk', 'https://mcp.example.com/mcp', '');
    await waitFor(() => expect(screen.getByText('Weather desk')).toBeTruthy());
    fake.state.overrides.set(`POST /api/mcp/servers/${SERVER.id}/refresh`, () => {
      const server = { ...SERVER, tools: [...SERVER.tools, { name: 'get_tides', exposedName: 'weather_desk__get_tides', description: 'Tide times', readOnly: true }] };
      fake.state.overrides.set('GET /api/mcp/servers', () => json(200, { servers: [server] }));
      return json(200, { server });
    });

    fireEvent.press(screen.getByLabelText('Refresh the tools of Weather desk'));

    await waitFor(() => expect(screen.getByText(/get_tides/)).toBeTruthy());
  });

  it('when Remove is pressed, then the server is deleted and leaves the list', async () => {
    const fake = setup();
    fill('Weather desk', 'https://mcp.example.com/mcp', '');
    await waitFor(() => expect(screen.getByText('Weather desk')).toBeTruthy());

    fireEvent.press(screen.getByLabelText('Remove Weather desk'));
    expect(await screen.findByText('Remove this MCP server?')).toBeTruthy();
    await act(async () => fireEvent.press(screen.getByTestId('confirm-ok')));

    await waitFor(() => expect(screen.queryByText('Weather desk')).toBeNull());
    expect(fake.state.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api/mcp/servers/${SERVER.id}`]);
  });

  it('when a server uses an OAuth sign-in, then its row offers Sign in, which opens the sign-in page', async () => {
    const fake = createFakeApi();
    const pending: McpServer = { ...SERVER, name: 'Issue tracker', status: 'error', statusDetail: 'Sign in to use its tools', tools: [], oauth: { signedIn: false } };
    fake.state.overrides.set('GET /api/mcp/servers', () => json(200, { servers: [pending] }));
    fake.state.overrides.set(`POST /api/mcp/servers/${SERVER.id}/sign-in`, () => json(200, { url: 'https://lifeos.example.com/auth/mcp/start?state=abc' }));
    renderWithApp(<McpServersSection />, { fetch: fake.fetch });

    await waitFor(() => expect(screen.getByText(/Sign-in needed/)).toBeTruthy());
    expect(screen.queryByText('No tools offered.')).toBeNull();
    fireEvent.press(screen.getByLabelText('Sign in to Issue tracker'));

    await waitFor(() => expect(openExternalUrl).toHaveBeenCalledWith('https://lifeos.example.com/auth/mcp/start?state=abc'));
  });

  it('when the app comes back from a sign-in, then the outcome is shown', async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('GET /api/mcp/servers', () => json(200, { servers: [{ ...SERVER, oauth: { signedIn: true } }] }));
    renderWithApp(<McpServersSection outcome={{ status: 'connected', server: SERVER.id }} />, { fetch: fake.fetch });
    await waitFor(() => expect(screen.getByText('Signed in to Weather desk.')).toBeTruthy());
    expect(screen.getByText(/signed in with OAuth/)).toBeTruthy();
  });

  it('when a sign-in was finished in another browser, then the app says so', async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('GET /api/mcp/servers', () => json(200, { servers: [] }));
    renderWithApp(<McpServersSection outcome={{ status: 'error', reason: 'browser_mismatch' }} />, { fetch: fake.fetch });
    expect(await screen.findByText(/finished in a different browser/)).toBeTruthy();
  });
});
