// Native notifications (iOS/Android) with expo-notifications mocked: no device,
// no APNs/FCM and no Expo push service are reachable here (test/expo-notifications-mock.ts).
// What is real: the Devices screen's notifications card, the hooks and the API client
// against the in-memory API, so the requests are the ones the server would get.
import { act, fireEvent, renderHook, screen, waitFor } from '@testing-library/react-native';
import Constants from 'expo-constants';
import * as Notifications from 'expo-notifications';
import { Platform } from 'react-native';
import type { PushSubscription, Session } from '@lifeos/contract';
import { createFakeApi, json } from '../../../test/fake-api';
import { renderWithApp } from '../../../test/render';
import { useLogout } from '../auth/auth.queries';
import { NotificationsCard } from './notifications-card';
import { useNotificationOpens } from './notification-opens';

// The app config as a build would carry it; each test sets the EAS project id (or leaves it out).
jest.mock('expo-constants', () => ({ __esModule: true, default: { expoConfig: { extra: {} }, easConfig: null } }));

const mocked = Notifications as jest.Mocked<typeof Notifications> & { __tap(data: Record<string, unknown>): void };
const SESSION = '00000000-0000-4000-8000-00000000a001';
const sessions: Session[] = [
  { id: SESSION, deviceName: 'Pixel 9', createdAt: '2026-12-01T00:00:00.000Z', lastUsedAt: '2026-12-01T00:00:00.000Z', expiresAt: '2027-01-01T00:00:00.000Z', current: true },
];

function setProjectId(id: string | undefined) {
  (Constants as { expoConfig: { extra?: object } }).expoConfig.extra = id ? { eas: { projectId: id } } : {};
}

/** The in-memory API with push on for Expo; subscriptions kept like the server keeps them. */
function pushApi(config = { webPush: null, expo: true }) {
  const fake = createFakeApi();
  const subs: PushSubscription[] = [];
  fake.state.overrides.set('GET /api/push/config', () => json(200, config));
  fake.state.overrides.set('GET /api/push/subscriptions', () => json(200, { subscriptions: subs }));
  fake.state.overrides.set('POST /api/push/subscriptions', () => {
    const subscription = { id: '00000000-0000-4000-8000-00000000b001', kind: 'expo' as const, createdAt: '2026-12-01T00:00:00.000Z', sessionId: SESSION, current: true };
    subs.push(subscription);
    return json(201, { subscription });
  });
  fake.state.overrides.set('DELETE /api/push/subscriptions/.+', () => {
    subs.length = 0;
    return new Response(null, { status: 204 });
  });
  fake.state.overrides.set('POST /api/auth/logout', () => new Response(null, { status: 204 }));
  const calls = (method: string, path: RegExp) => fake.state.requests.filter((r) => r.method === method && path.test(r.path));
  return { fake, subs, calls };
}

const toggle = () => screen.getByLabelText('Notifications on this device');
/** The switch as drawn: iOS's native switch takes `value`/`disabled`, Android's `on`/`enabled`. */
function switchState(): { on: boolean; disabled: boolean } {
  const p = toggle().props as { value?: boolean; on?: boolean; disabled?: boolean; enabled?: boolean };
  return { on: Boolean(p.value ?? p.on), disabled: p.disabled ?? (p.enabled === undefined ? false : !p.enabled) };
}

describe.each(['ios', 'android'] as const)('native notifications on %s', (os) => {
  const originalOs = Platform.OS;
  beforeEach(() => {
    Object.defineProperty(Platform, 'OS', { configurable: true, get: () => os });
    setProjectId('5b1f6a9e-0000-4000-8000-000000000eas');
    jest.clearAllMocks();
  });
  afterAll(() => Object.defineProperty(Platform, 'OS', { configurable: true, get: () => originalOs }));

  it('when the Devices screen opens, then nothing asks for permission; when the user turns notifications on, then the Expo token is registered', async () => {
    const t = pushApi();
    renderWithApp(<NotificationsCard sessions={sessions} />, { fetch: t.fake.fetch });
    await waitFor(() => expect(switchState().disabled).toBe(false));
    expect(mocked.requestPermissionsAsync).not.toHaveBeenCalled();
    expect(mocked.getExpoPushTokenAsync).not.toHaveBeenCalled();

    await act(async () => fireEvent(toggle(), 'valueChange', true));
    await waitFor(() => expect(t.calls('POST', /^\/api\/push\/subscriptions$/)).toHaveLength(1));
    expect(t.calls('POST', /^\/api\/push\/subscriptions$/)[0]?.body).toEqual({ kind: 'expo', token: 'ExponentPushToken[test-device-token]' });
    expect(mocked.requestPermissionsAsync).toHaveBeenCalledTimes(1);
    expect(mocked.getExpoPushTokenAsync).toHaveBeenCalledWith({ projectId: '5b1f6a9e-0000-4000-8000-000000000eas' });
    // Android shows notifications through a channel, made before the permission prompt (Android 13+).
    if (os === 'android') {
      expect(mocked.setNotificationChannelAsync).toHaveBeenCalledWith('lifeos', expect.objectContaining({ importance: Notifications.AndroidImportance.HIGH }));
      expect(mocked.setNotificationChannelAsync.mock.invocationCallOrder[0]!).toBeLessThan(mocked.requestPermissionsAsync.mock.invocationCallOrder[0]!);
    } else expect(mocked.setNotificationChannelAsync).not.toHaveBeenCalled();
    await waitFor(() => expect(switchState().on).toBe(true));
  });

  it('when permission was already given, then the user is not asked again', async () => {
    mocked.getPermissionsAsync.mockResolvedValueOnce({ status: 'granted', granted: true, canAskAgain: true } as never);
    const t = pushApi();
    renderWithApp(<NotificationsCard sessions={sessions} />, { fetch: t.fake.fetch });
    await waitFor(() => expect(switchState().disabled).toBe(false));
    await act(async () => fireEvent(toggle(), 'valueChange', true));
    await waitFor(() => expect(t.calls('POST', /^\/api\/push\/subscriptions$/)).toHaveLength(1));
    expect(mocked.requestPermissionsAsync).not.toHaveBeenCalled();
  });

  it('when the user declines the permission, then nothing is registered and the card says where to turn it on', async () => {
    mocked.requestPermissionsAsync.mockResolvedValueOnce({ status: 'denied', granted: false, canAskAgain: false } as never);
    const t = pushApi();
    renderWithApp(<NotificationsCard sessions={sessions} />, { fetch: t.fake.fetch });
    await waitFor(() => expect(switchState().disabled).toBe(false));
    await act(async () => fireEvent(toggle(), 'valueChange', true));
    await screen.findByText(/turned off for LifeOS in the system settings/);
    expect(mocked.getExpoPushTokenAsync).not.toHaveBeenCalled();
    expect(t.calls('POST', /^\/api\/push\/subscriptions$/)).toHaveLength(0);
  });

  it('when the user turns notifications off, then the server forgets the token and the device stops receiving', async () => {
    const t = pushApi();
    renderWithApp(<NotificationsCard sessions={sessions} />, { fetch: t.fake.fetch });
    await waitFor(() => expect(switchState().disabled).toBe(false));
    await act(async () => fireEvent(toggle(), 'valueChange', true));
    await waitFor(() => expect(switchState().on).toBe(true));
    await act(async () => fireEvent(toggle(), 'valueChange', false));
    await waitFor(() => expect(t.calls('DELETE', /^\/api\/push\/subscriptions\/.+/)).toHaveLength(1));
    expect(mocked.unregisterForNotificationsAsync).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(switchState().on).toBe(false));
  });

  it('when the user signs out, then the device stops receiving, even if the server cannot be told', async () => {
    const t = pushApi();
    t.fake.state.overrides.set('POST /api/auth/logout', () => {
      throw new TypeError('Network request failed');
    });
    const { result } = renderHook(() => useLogout(), { wrapper: ({ children }) => renderWrapper(children, t.fake.fetch) });
    await act(async () => {
      await result.current.mutateAsync().catch(() => undefined);
    });
    expect(mocked.unregisterForNotificationsAsync).toHaveBeenCalledTimes(1);
  });

  it('when the build has no EAS project id, then the switch is off and says this device cannot receive notifications', async () => {
    setProjectId(undefined);
    const t = pushApi();
    renderWithApp(<NotificationsCard sessions={sessions} />, { fetch: t.fake.fetch });
    await screen.findByText('This device cannot receive notifications from this server.');
    expect(switchState().disabled).toBe(true);
  });

  it('when a notification is tapped (also the one that launched the app), then the chat opens at its message, once', async () => {
    const open = jest.fn();
    const { rerender } = renderHook(() => useNotificationOpens(open));
    expect(open).not.toHaveBeenCalled();
    act(() => mocked.__tap({ url: '/?message=6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11', messageId: '6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11'));
    rerender({});
    expect(open).toHaveBeenCalledTimes(1);
    // A test notification carries no message: the chat opens at the newest.
    act(() => mocked.__tap({ url: '/', messageId: null }));
    await waitFor(() => expect(open).toHaveBeenLastCalledWith(null));
  });
});

// renderWithApp's providers around a hook.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiProvider } from '@/lib/api-context';
import { signedInClient } from '../../../test/render';
function renderWrapper(children: ReactNode, fetch: typeof globalThis.fetch) {
  const { api } = signedInClient(fetch);
  return (
    <ApiProvider client={api}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false, gcTime: Infinity } } })}>{children}</QueryClientProvider>
    </ApiProvider>
  );
}
