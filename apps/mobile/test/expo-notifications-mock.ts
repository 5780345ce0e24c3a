// expo-notifications under Jest: no device, no APNs/FCM and no Expo push service
// are reachable here, so the module is a set of jest.fn()s that each test
// programs (permission answers, the token Expo would issue, a tapped notification).
import { useSyncExternalStore } from 'react';

type Response = { actionIdentifier: string; notification: { request: { identifier: string; content: { data: Record<string, unknown> } } } } | null;

let lastResponse: Response = null;
const listeners = new Set<() => void>();
const setLast = (response: Response) => {
  lastResponse = response;
  for (const l of listeners) l();
};

export const DEFAULT_ACTION_IDENTIFIER = 'expo.modules.notifications.actions.DEFAULT';
export const AndroidImportance = { DEFAULT: 3, HIGH: 4, MAX: 5 };

export const getPermissionsAsync = jest.fn(async () => ({ status: 'undetermined', granted: false, canAskAgain: true }));
export const requestPermissionsAsync = jest.fn(async () => ({ status: 'granted', granted: true, canAskAgain: true }));
export const getExpoPushTokenAsync = jest.fn(async (_options: { projectId: string }) => ({ type: 'expo', data: 'ExponentPushToken[test-device-token]' }));
export const setNotificationChannelAsync = jest.fn(async () => null);
export const unregisterForNotificationsAsync = jest.fn(async () => undefined);
export const setNotificationHandler = jest.fn();
export const clearLastNotificationResponse = jest.fn(() => setLast(null));

export function useLastNotificationResponse(): Response {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => lastResponse,
  );
}

/** Test helper: the user taps a notification carrying `data`. */
export function __tap(data: Record<string, unknown>, identifier = `n-${Math.random()}`): void {
  setLast({ actionIdentifier: DEFAULT_ACTION_IDENTIFIER, notification: { request: { identifier, content: { data } } } });
}
