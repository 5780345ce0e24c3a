import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { createFakeApi, json, makeMessage } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { ChatScreen } from './chat-screen';
import { MessagingProvider } from './messaging-provider';
import { PAGE_SIZE } from './messages.queries';

// The live stream's transport; these tests drive the history and the outbox.
jest.mock('@/lib/sse/event-stream', () => ({ openEventStream: () => ({ close: () => undefined }) }));

function setup(count: number) {
  const fake = createFakeApi();
  for (let i = 1; i <= count; i++) fake.state.messages.push(makeMessage({ content: `message ${i}`, role: i % 2 ? 'user' : 'assistant' }));
  fake.state.overrides.set('GET /api/agents', () =>
    json(200, { agents: [{ name: '@mem', description: 'Your long-term memory', examples: ['@mem remember x'], status: 'ready' }] }),
  );
  const utils = renderWithApp(
    <MessagingProvider>
      <ChatScreen />
    </MessagingProvider>,
    { fetch: fake.fetch },
  );
  const pageRequests = () => fake.state.requests.filter((r) => r.method === 'GET' && r.path === '/api/messages').map((r) => r.query);
  return { fake, pageRequests, ...utils };
}

describe('message list paging', () => {
  it('when the chat opens, then the newest page shows, newest at the bottom', async () => {
    const t = setup(75);
    await screen.findByText('message 75');
    expect(t.pageRequests()).toEqual([`?limit=${PAGE_SIZE}`]);
    // Inverted list: the first item (drawn at the bottom) is the newest.
    const list = screen.getByTestId('message-list');
    expect(list.props.inverted).toBe(true);
    expect(list.props.data[0].message.content).toBe('message 75');
  });

  it('when scrolled up to the top, then older pages load with the cursor until the beginning', async () => {
    const t = setup(75);
    await screen.findByText('message 75');
    const list = () => screen.getByTestId('message-list');
    const shown = () => list().props.data.filter((item: { kind: string }) => item.kind === 'message');

    await act(async () => fireEvent(list(), 'onEndReached'));
    await waitFor(() => expect(shown()).toHaveLength(60));
    await act(async () => fireEvent(list(), 'onEndReached'));
    await waitFor(() => expect(shown()).toHaveLength(75));

    const [first, second, third] = t.pageRequests();
    expect(first).toBe(`?limit=${PAGE_SIZE}`);
    expect(second).toMatch(new RegExp(`^\\?limit=${PAGE_SIZE}&before=`));
    expect(third).toMatch(new RegExp(`^\\?limit=${PAGE_SIZE}&before=`));
    expect(second).not.toBe(third);
    const contents = shown().map((item: { message: { content: string } }) => item.message.content);
    expect(new Set(contents).size).toBe(75);
    expect(contents.at(-1)).toBe('message 1');
    await screen.findByTestId('history-start');

    // Nothing older: reaching the top again asks for nothing.
    await act(async () => fireEvent(list(), 'onEndReached'));
    expect(t.pageRequests()).toHaveLength(3);
  });

  it('when a message is sent, then it shows at the bottom, followed by the reply', async () => {
    const t = setup(3);
    await screen.findByText('message 3');

    fireEvent.changeText(screen.getByLabelText('Message'), 'hello there');
    await act(async () => fireEvent.press(screen.getByTestId('composer-send')));

    await screen.findByText('Echo: hello there');
    const data = screen.getByTestId('message-list').props.data;
    expect(data.slice(0, 2).map((item: { message: { content: string } }) => item.message.content)).toEqual(['Echo: hello there', 'hello there']);
    const posts = t.fake.state.requests.filter((r) => r.method === 'POST' && r.path === '/api/messages');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ content: 'hello there', clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('when a message is deleted after the dialog confirms it, then it leaves the list and the server is told', async () => {
    const t = setup(3);
    await screen.findByText('message 3');
    const target = t.fake.state.messages.find((m) => m.content === 'message 2')!;
    t.fake.state.overrides.set(`DELETE /api/messages/${target.id}`, () => {
      t.fake.state.messages = t.fake.state.messages.filter((m) => m.id !== target.id);
      return new Response(null, { status: 204 });
    });
    const deleteButtons = screen.getAllByTestId('message-delete');
    // Newest first: message 3, message 2, message 1.
    fireEvent.press(deleteButtons[1]!);
    expect(await screen.findByText('Delete this reply?')).toBeTruthy();
    await act(async () => fireEvent.press(screen.getByTestId('confirm-ok')));
    await waitFor(() => expect(screen.queryByText('message 2')).toBeNull());
    expect(t.fake.state.requests.some((r) => r.method === 'DELETE' && r.path === `/api/messages/${target.id}`)).toBe(true);
    expect(screen.getByText('message 3')).toBeTruthy();
  });

  it('when a search result is chosen, then the search closes and the message is highlighted in the history', async () => {
    const t = setup(5);
    await screen.findByText('message 5');
    fireEvent.press(screen.getByTestId('chat-search-open'));
    fireEvent.changeText(screen.getByLabelText('Search messages'), 'message 2');
    const result = await screen.findByTestId('chat-search-result', {}, { timeout: 3000 });
    expect(screen.getAllByTestId('chat-search-result')).toHaveLength(1);
    expect(t.pageRequests().some((query) => /q=message(\+|%20)2/.test(query))).toBe(true);
    await act(async () => fireEvent.press(result));
    expect(screen.queryByTestId('chat-search-input')).toBeNull();
  });
});

describe('opening the chat at a message (a notification)', () => {
  function openAt(count: number, pick: (messages: { id: string; content: string }[]) => string) {
    const fake = createFakeApi();
    for (let i = 1; i <= count; i++) fake.state.messages.push(makeMessage({ content: `message ${i}`, role: i % 2 ? 'user' : 'assistant' }));
    const target = pick(fake.state.messages);
    const opened = jest.fn();
    renderWithApp(
      <MessagingProvider>
        <ChatScreen openMessageId={target} onMessageOpened={opened} />
      </MessagingProvider>,
      { fetch: fake.fetch },
    );
    const pageRequests = () => fake.state.requests.filter((r) => r.method === 'GET' && r.path === '/api/messages');
    return { opened, pageRequests, target };
  }

  it('when the message is older than the first page, then older pages load until it is there, and it is highlighted', async () => {
    const t = openAt(100, (messages) => messages[4]!.id);
    const target = t.target;
    const list = () => screen.getByTestId('message-list');
    // The list draws only the rows near what is on screen; the highlight is the list's, for the row with that message.
    await waitFor(() => expect(list().props.extraData).toBe(target), { timeout: 10_000 });
    const ids = list().props.data.filter((item: { kind: string }) => item.kind === 'message').map((item: { message: { id: string } }) => item.message.id);
    expect(ids).toContain(target);
    // 100 messages in pages of PAGE_SIZE: every page down to the one holding message 5.
    expect(t.pageRequests()).toHaveLength(Math.ceil(96 / PAGE_SIZE));
    expect(t.opened).toHaveBeenCalledTimes(1);
  });

  it('when the message is no longer in the history, then the chat says so and shows the newest messages', async () => {
    openAt(5, () => '6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11');
    await screen.findByText('That message is no longer in your history.');
    expect(screen.getByText('message 5')).toBeTruthy();
    expect(screen.queryByTestId('message-highlighted')).toBeNull();
  });
});
