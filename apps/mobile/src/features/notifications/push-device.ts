// Native builds: push needs expo-notifications and an EAS project id (see the
// README, "Push notifications"); until the app ships with them, the Devices
// screen says notifications are not available on this device.
export type DeviceSubscription = { kind: 'expo'; token: string };

export function pushSupported(): boolean {
  return false;
}

export async function registerServiceWorker(): Promise<void> {
  return undefined;
}

export async function currentEndpoint(): Promise<string | null> {
  return null;
}

export async function subscribeDevice(_config: { webPush: { publicKey: string } | null; expo: boolean }): Promise<DeviceSubscription> {
  throw new Error('Notifications are not available in this build of the app.');
}

export async function unsubscribeDevice(): Promise<void> {
  return undefined;
}
