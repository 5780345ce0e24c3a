import { fireEvent, render, screen } from '@testing-library/react-native';
import type { Agent } from '@lifeos/contract';
import { ThemeProvider } from '@/ui/theme';
import { Composer } from './composer';

const agents: Agent[] = [
  { name: '@mail', description: 'Works your mailbox', examples: [], status: 'needs_connection' },
  { name: '@cal', description: 'Runs your calendar', examples: [], status: 'ready' },
  { name: '@mem', description: 'Your long-term memory', examples: [], status: 'ready' },
];

function setup() {
  const onSend = jest.fn();
  render(
    <ThemeProvider>
      <Composer agents={agents} onSend={onSend} />
    </ThemeProvider>,
  );
  const input = screen.getByLabelText('Message');
  const key = (k: string) => fireEvent(input, 'keyPress', { nativeEvent: { key: k }, preventDefault: jest.fn() });
  return { onSend, input, key };
}

describe('composer and mention picker', () => {
  it('when "@" is typed, then the picker lists every agent with its description', () => {
    const { input } = setup();
    expect(screen.queryByTestId('mention-picker')).toBeNull();

    fireEvent.changeText(input, 'ask @');

    expect(screen.getByTestId('mention-picker')).toBeTruthy();
    expect(screen.getByText('Works your mailbox')).toBeTruthy();
    expect(screen.getByText('Runs your calendar')).toBeTruthy();
    expect(screen.getByText('Your long-term memory')).toBeTruthy();
    expect(screen.getByText(/Needs a connected account/)).toBeTruthy();
  });

  it('when more letters are typed, then only matching agents stay, and a tap inserts the mention', () => {
    const { input } = setup();
    fireEvent.changeText(input, '@me');
    expect(screen.queryByText('Runs your calendar')).toBeNull();

    fireEvent.press(screen.getByTestId('mention-option-mem'));

    expect(input.props.value).toBe('@mem ');
    expect(screen.queryByTestId('mention-picker')).toBeNull();
  });

  it('when arrow keys and Enter are used, then the highlighted agent is chosen', () => {
    const { input, key } = setup();
    fireEvent.changeText(input, '@');
    key('ArrowDown');
    expect(screen.getByTestId('mention-option-cal').props.accessibilityState).toMatchObject({ selected: true });

    key('Enter');

    expect(input.props.value).toBe('@cal ');
  });

  it('when Escape is pressed, then the picker closes and the text stays', () => {
    const { input, key } = setup();
    fireEvent.changeText(input, 'hi @');
    key('Escape');
    expect(screen.queryByTestId('mention-picker')).toBeNull();
    expect(input.props.value).toBe('hi @');
  });

  it('when no agent matches, then no picker shows', () => {
    const { input } = setup();
    fireEvent.changeText(input, 'write to @bob');
    expect(screen.queryByTestId('mention-picker')).toBeNull();
  });

  it('when Send is pressed, then the trimmed text is sent and the box empties; blank text cannot be sent', () => {
    const { input, onSend } = setup();
    fireEvent.press(screen.getByTestId('composer-send'));
    expect(onSend).not.toHaveBeenCalled();

    fireEvent.changeText(input, '  @mem remember the milk  ');
    fireEvent.press(screen.getByTestId('composer-send'));

    expect(onSend).toHaveBeenCalledWith('@mem remember the milk');
    expect(input.props.value).toBe('');
  });
});
