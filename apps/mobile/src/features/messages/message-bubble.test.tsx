import { fireEvent, render, screen } from '@testing-library/react-native';
import { ThemeProvider } from '@/ui/theme';
import { makeMessage } from '../../../test/fake-api';
import { MessageBubble, OutboxBubble } from './message-bubble';

const wrap = (ui: React.ReactElement) => render(<ThemeProvider>{ui}</ThemeProvider>);

describe('message bubbles', () => {
  it("when an assistant reply carries an agent, then its badge shows; the general assistant's reads Assistant", () => {
    wrap(<MessageBubble message={makeMessage({ role: 'assistant', agentName: '@cal', content: 'Added **Team lunch**.' })} />);
    expect(screen.getByTestId('agent-badge')).toHaveTextContent('@cal');
    expect(screen.getByText('Team lunch')).toBeTruthy();
    wrap(<MessageBubble message={makeMessage({ role: 'assistant', content: 'Hi' })} />);
    expect(screen.getByTestId('agent-badge')).toHaveTextContent('Assistant');
  });

  it('when the agent failed (metadata.status error), then the bubble offers Retry', () => {
    const onRetry = jest.fn();
    wrap(
      <MessageBubble
        message={makeMessage({ role: 'assistant', agentName: '@mail', content: 'The mail server is unreachable.', metadata: { status: 'error' } })}
        onRetry={onRetry}
      />,
    );
    fireEvent.press(screen.getByTestId('message-retry'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('when a send failed, then the bubble says why and offers Retry and Delete', () => {
    const onRetry = jest.fn();
    const onDiscard = jest.fn();
    wrap(
      <OutboxBubble
        item={{ clientId: '66666666-6666-4666-8666-666666666666', content: 'hi', createdAt: '2026-12-01T12:00:00.000Z', status: 'failed', error: 'Too many requests', attempts: 1 }}
        onRetry={onRetry}
        onDiscard={onDiscard}
      />,
    );
    expect(screen.getByText('Not sent: Too many requests')).toBeTruthy();
    fireEvent.press(screen.getByTestId('outbox-retry'));
    fireEvent.press(screen.getByTestId('outbox-discard'));
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onDiscard).toHaveBeenCalledTimes(1);
  });
});
