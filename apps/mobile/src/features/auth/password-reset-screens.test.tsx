import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { createFakeApi, problem } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { ForgotPasswordScreen } from './password-reset-screens';

describe('Forgot password', () => {
  it('when an email is sent, then the server is asked once and the screen says a link is on its way', async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('POST /api/auth/password/forgot', () => new Response(null, { status: 202 }));
    renderWithApp(<ForgotPasswordScreen />, { fetch: fake.fetch });
    fireEvent.changeText(screen.getByTestId('forgot-email'), 'ada@example.test');
    await act(async () => fireEvent.press(screen.getByTestId('forgot-submit')));
    expect(await screen.findByText(/a mail with a link to choose a new password is on its way/)).toBeTruthy();
    const sent = fake.state.requests.filter((r) => r.method === 'POST' && r.path === '/api/auth/password/forgot');
    expect(sent.map((r) => r.body)).toEqual([{ email: 'ada@example.test' }]);
  });

  it('when the server is rate limited, then the person reads why instead of a success', async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('POST /api/auth/password/forgot', () => problem(429, 'rate_limited', 'Too many requests; try again in 60 seconds'));
    renderWithApp(<ForgotPasswordScreen />, { fetch: fake.fetch });
    fireEvent.changeText(screen.getByTestId('forgot-email'), 'ada@example.test');
    await act(async () => fireEvent.press(screen.getByTestId('forgot-submit')));
    await waitFor(() => expect(screen.queryByText(/on its way/)).toBeNull());
    expect(await screen.findByText(/try again/i)).toBeTruthy();
  });
});
