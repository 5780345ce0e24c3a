import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { ThemeProvider } from '@/ui/theme';
import { Markdown, safeHref } from './markdown';

jest.mock('@/lib/clipboard', () => ({ copyText: jest.fn(async () => true) }));
const { copyText } = jest.requireMock('@/lib/clipboard') as { copyText: jest.Mock };

// Host elements with a role (lists, rows and cells are not focusable, so *ByRole skips them).
const withRole = (role: string) => screen.UNSAFE_root.findAll((n) => typeof n.type === 'string' && n.props.role === role);

const show = (text: string) => render(<ThemeProvider><Markdown text={text} /></ThemeProvider>);

describe('Markdown in messages', () => {
  it('when a reply has lists, then each item is a list item with its marker, numbered from the start given', () => {
    show('Your day:\n\n- Standup at 9\n- Lunch with **Jo**\n\n3. third\n4. fourth');
    const items = withRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[1]).toHaveTextContent('•Lunch with Jo');
    expect(items[2]).toHaveTextContent('3.third');
    expect(screen.getByText('Jo')).toHaveStyle({ fontWeight: '700' });
  });

  it('when a reply has a heading, a quote, strikethrough and a table, then they are drawn as such', () => {
    show('## Plan\n\n> quoted words\n\n~~cancelled~~ moved\n\n| Day | Event |\n|---|:-:|\n| Mon | Gym |\n| Tue | Dentist |');
    expect(screen.getByRole('heading')).toHaveTextContent('Plan');
    expect(screen.getByText('quoted words')).toBeTruthy();
    expect(screen.getByText('cancelled')).toHaveStyle({ textDecorationLine: 'line-through' });
    expect(withRole('row')).toHaveLength(3);
    expect(withRole('columnheader')).toHaveLength(2);
    expect(withRole('cell')).toHaveLength(4);
    expect(screen.getByText('Dentist')).toHaveStyle({ textAlign: 'center' });
  });

  it('when a reply has a code fence, then it shows as code with a button that copies exactly the code', async () => {
    show('Run this:\n\n```sh\nnpm start\nnpm test\n```');
    expect(screen.getByText('npm start\nnpm test')).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Copy sh code' }));
    expect(copyText).toHaveBeenCalledWith('npm start\nnpm test');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Code copied' })).toBeTruthy());
  });

  it('when text holds HTML or unsafe links, then it shows literally and only http, https and mailto become links', () => {
    show('<img src=x onerror=alert(1)> [ok](https://example.com/a) [mail](mailto:jo@example.com) [bad](javascript:alert(1)) [data](data:text/html,hi)');
    expect(screen.getByText(/<img src=x onerror=alert\(1\)>/)).toBeTruthy();
    const links = screen.getAllByRole('link');
    expect(links.map((l) => l.props.children)).toEqual([['ok'], ['mail']]);
    expect(screen.getByText('bad')).toBeTruthy();
    expect(screen.getByText('data')).toBeTruthy();
  });

  it.each([
    ['https://example.com/x?y=1', 'https://example.com/x?y=1'],
    ['http://example.com', 'http://example.com/'],
    ['mailto:jo@example.com', 'mailto:jo@example.com'],
    ['javascript:alert(1)', null],
    [' JAVASCRIPT:alert(1)', null],
    ['data:text/html,<b>x</b>', null],
    ['/relative/path', null],
    ['vbscript:msgbox', null],
  ])('safeHref(%s) is %s', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });
});
