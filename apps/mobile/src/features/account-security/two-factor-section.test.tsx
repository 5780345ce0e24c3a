import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { createFakeApi, json } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { groupSecret, TwoFactorSection } from './two-factor-section';

jest.mock('@/lib/clipboard', () => ({ copyText: jest.fn(async () => true) }));
const { copyText } = jest.requireMock('@/lib/clipboard') as { copyText: jest.Mock };

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const URL = `otpauth://totp/LifeOS:ada%40example.test?secret=${SECRET}&issuer=LifeOS`;
const CODES = Array.from({ length: 10 }, (_, i) => `AB${i}D-EFGH-JKMN-PQR${i}`);
const WRONG = 'The code is not the current one of this secret; check the device’s clock';

const OFF = { totpEnabled: false, enabledAt: null, recoveryCodesLeft: 0, passkeys: 0 };

function setup(status: object = OFF) {
  const fake = createFakeApi();
  fake.state.overrides.set('GET /api/auth/mfa', () => json(200, status));
  fake.state.overrides.set('POST /api/auth/mfa/totp', () => json(200, { secret: SECRET, otpauthUrl: URL }));
  fake.state.overrides.set('POST /api/auth/mfa/totp/verify', ({ body }) =>
    (body as { code: string }).code === '123456'
      ? json(200, { recoveryCodes: CODES })
      : json(400, { type: 'about:blank', title: 'validation_failed', status: 400, code: 'validation_failed', detail: `code: ${WRONG}`, errors: [{ path: 'code', message: WRONG }] }),
  );
  fake.state.overrides.set('DELETE /api/auth/mfa/totp', ({ body }) =>
    (body as { code: string }).code === '654321'
      ? new Response(null, { status: 204 })
      : json(403, { type: 'about:blank', title: 'invalid_credentials', status: 403, code: 'invalid_credentials', detail: 'The code is incorrect or was used already' }),
  );
  renderWithApp(<TwoFactorSection />, { fetch: fake.fetch });
  return fake;
}

async function startSetup() {
  fireEvent.press(await screen.findByLabelText('Turn on two-factor sign-in'));
  return screen.findByTestId('totp-secret');
}

describe('Two-factor sign-in on the Account screen', () => {
  it('when the server says it is off, then the section says off and offers Turn on', async () => {
    setup();
    expect(await screen.findByText('Two-factor sign-in is off.')).toBeTruthy();
    expect(screen.getByLabelText('Turn on two-factor sign-in')).toBeTruthy();
    expect(screen.queryByLabelText('Turn off two-factor sign-in')).toBeNull();
  });

  it('when the server says it is on, then the section says on with the recovery codes left and offers only Turn off', async () => {
    setup({ totpEnabled: true, enabledAt: '2026-12-01T09:00:00.000Z', recoveryCodesLeft: 7, passkeys: 0 });
    expect(await screen.findByText('Two-factor sign-in is on.')).toBeTruthy();
    expect(screen.getByText('7 recovery codes left.')).toBeTruthy();
    expect(screen.getByLabelText('Turn off two-factor sign-in')).toBeTruthy();
    expect(screen.queryByLabelText('Turn on two-factor sign-in')).toBeNull();
  });

  it('when Turn on is pressed, then the secret is shown in groups of four with Copy for the key and the setup link', async () => {
    setup();
    const secret = await startSetup();
    expect(secret.props.children).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');

    await act(async () => fireEvent.press(screen.getByLabelText('Copy the setup key')));
    expect(copyText).toHaveBeenLastCalledWith(SECRET);
    await act(async () => fireEvent.press(screen.getByLabelText('Copy the otpauth setup link')));
    expect(copyText).toHaveBeenLastCalledWith(URL);
  });

  it('when the right code is entered, then the ten recovery codes are shown once with Copy, then the section says it is on', async () => {
    const fake = setup();
    await startSetup();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '123 456');
    fireEvent.press(screen.getByText('Verify and turn on'));

    expect(await screen.findByText(CODES[0]!)).toBeTruthy();
    for (const code of CODES) expect(screen.getByText(code)).toBeTruthy();
    expect(screen.getByText(/will not be shown again/)).toBeTruthy();
    expect(fake.state.requests.find((r) => r.path === '/api/auth/mfa/totp/verify')?.body).toEqual({ code: '123456' });
    await act(async () => fireEvent.press(screen.getByText('Copy recovery codes')));
    expect(copyText).toHaveBeenLastCalledWith(CODES.join('\n'));

    fireEvent.press(screen.getByText('I have saved them'));
    expect(screen.queryByText(CODES[0]!)).toBeNull();
    expect(screen.getByLabelText('Turn off two-factor sign-in')).toBeTruthy();
  });

  it('when a wrong code is entered, then the server’s message is shown and no recovery codes appear', async () => {
    setup();
    await startSetup();
    fireEvent.changeText(screen.getByLabelText('Code from your app'), '000000');
    fireEvent.press(screen.getByText('Verify and turn on'));

    expect(await screen.findByText(WRONG)).toBeTruthy();
    expect(screen.queryByText(CODES[0]!)).toBeNull();
  });

  it('when two-factor sign-in is on already, then Turn on leads to Turn off, which needs the password and a code', async () => {
    const fake = setup();
    fake.state.overrides.set('POST /api/auth/mfa/totp', () =>
      json(409, { type: 'about:blank', title: 'conflict', status: 409, code: 'conflict', detail: 'Two-factor sign-in is already on; turn it off first to set up a new device' }),
    );
    fireEvent.press(await screen.findByLabelText('Turn on two-factor sign-in'));
    expect(await screen.findByText('Two-factor sign-in is already on for this account.')).toBeTruthy();

    fireEvent.changeText(screen.getByLabelText('Your password'), 'correct horse');
    fireEvent.changeText(screen.getByLabelText('Code or recovery code'), '111111');
    fireEvent.press(screen.getByLabelText('Turn off two-factor sign-in'));
    expect(await screen.findByText('The code is incorrect or was used already')).toBeTruthy();

    fireEvent.changeText(screen.getByLabelText('Code or recovery code'), '654321');
    fireEvent.press(screen.getByLabelText('Turn off two-factor sign-in'));
    await waitFor(() => expect(screen.getByText(/Two-factor sign-in is off/)).toBeTruthy());
    const deletes = fake.state.requests.filter((r) => r.method === 'DELETE' && r.path === '/api/auth/mfa/totp');
    expect(deletes.at(-1)?.body).toEqual({ password: 'correct horse', code: '654321' });
  });
});

describe('groupSecret', () => {
  it('when a secret is not a multiple of four long, then the last group is shorter', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});
