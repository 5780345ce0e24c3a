import { fireEvent, screen, waitFor, within } from '@testing-library/react-native';
import type { InfiniteData } from '@tanstack/react-query';
import type { Message, MessagePage } from '@lifeos/contract';
import { createFakeApi, json, makeMessage, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { MessageBubble } from './message-bubble';
import { messageKeys } from './messages.queries';

const ACTION_ID = '55555555-5555-4555-8555-555555555555';
const DRAFT = 'To: bob@example.com\nSubject: Lunch\n\nHi Bob,\nLunch on Friday at 12:30?\nAda';

function proposal(extra: Record<string, unknown> = {}, expiresAt = '2999-01-01T00:00:00.000Z'): Message {
  return makeMessage({
    role: 'assistant',
    agentName: '@mail',
    content: 'Here is the draft. Send it?',
    metadata: { pendingAction: { id: ACTION_ID, kind: 'mail.send', summary: DRAFT, expiresAt, status: 'pending', ...extra } },
  });
}

function setup(message: Message) {
  const fake = createFakeApi();
  const utils = renderWithApp(<MessageBubble message={message} />, { fetch: fake.fetch });
  utils.queryClient.setQueryData<InfiniteData<MessagePage, string | null>>(messageKeys.list(), {
    pages: [{ messages: [message], nextCursor: null }],
    pageParams: [null],
  });
  return { fake, ...utils };
}

describe('pending action card', () => {
  it('when an agent proposes an action, then the full summary shows with Confirm and Cancel', () => {
    setup(proposal());
    expect(screen.getByText('Send this email?')).toBeTruthy();
    expect(within(screen.getByTestId('pending-action-summary')).getByText(DRAFT)).toBeTruthy();
    expect(screen.getByTestId('pending-action-confirm')).toBeTruthy();
    expect(screen.getByTestId('pending-action-cancel')).toBeTruthy();
  });

  it('when the reply text is the proposal itself, then it is shown once, in the card', () => {
    const message = proposal();
    setup({ ...message, content: `${DRAFT}\n\nConfirm to send it, or cancel.` });
    expect(screen.getAllByText(DRAFT)).toHaveLength(1);
    expect(screen.queryByText(/Confirm to send it, or cancel/)).toBeNull();
  });

  it("when Confirm is pressed, then the action is confirmed once and the agent's report joins the chat", async () => {
    const message = proposal();
    const report = makeMessage({ role: 'assistant', agentName: '@mail', content: 'Sent to bob@example.com.' });
    const { fake, queryClient } = setup(message);
    fake.state.overrides.set(`POST /api/actions/${ACTION_ID}/confirm`, () => json(200, { reply: report }));

    fireEvent.press(screen.getByTestId('pending-action-confirm'));

    await waitFor(() => expect(screen.getByTestId('pending-action-status').props.children).toBe('Confirmed.'));
    expect(screen.queryByTestId('pending-action-confirm')).toBeNull();
    expect(fake.state.requests.filter((r) => r.path.startsWith('/api/actions/')).map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/actions/${ACTION_ID}/confirm`,
    ]);
    const cached = queryClient.getQueryData<InfiniteData<MessagePage, string | null>>(messageKeys.list());
    expect(cached?.pages[0]?.messages.map((m) => m.content)).toContain('Sent to bob@example.com.');
  });

  it('when the action was already handled elsewhere (409), then the card says so instead of failing', async () => {
    const { fake } = setup(proposal());
    fake.state.overrides.set(`POST /api/actions/${ACTION_ID}/cancel`, () => problem(409, 'conflict', 'This action was already confirmed'));

    fireEvent.press(screen.getByTestId('pending-action-cancel'));

    await waitFor(() => expect(screen.getByTestId('pending-action-status').props.children).toBe('This was already handled.'));
  });

  it('when the server recorded the outcome, then the card shows it without buttons', () => {
    setup(proposal({ status: 'cancelled' }));
    expect(screen.getByTestId('pending-action-status').props.children).toBe('Cancelled.');
    expect(screen.queryByTestId('pending-action-confirm')).toBeNull();
  });

  it('when the action has expired, then it can no longer be confirmed', () => {
    setup(proposal({}, '2020-01-01T00:00:00.000Z'));
    expect(screen.getByTestId('pending-action-status').props.children).toMatch(/expired/);
    expect(screen.queryByTestId('pending-action-confirm')).toBeNull();
  });
});
