// The native app's side of push: expo-notifications gives an Expo push token for
// this install (it needs the EAS project id the build was made with, see the
// README, "Push notifications"); the server sends to it through Expo's push API.
// Permission is asked only from a user's action (turning notifications on), never
// at launch. The web build uses push-device.web.ts (Web Push through the service
// worker), so expo-notifications is never bundled for the browser.
import Constants from 'expo-constants';
import * as Notifications from 'expo-notifications';
import { Platform } from 'react-native';
import { ANDROID_NOTIFICATION_CHANNEL, type PushConfigResponse } from '@lifeos/contract';
import { PushDeviceError } from './notification-data';

export type DeviceSubscription = { kind: 'expo'; token: string };


const isNative = () => Platform.OS === 'ios' || Platform.OS === 'android';

/** The EAS project the build belongs to: Expo issues push tokens per project. */
export function easProjectId(): string | null {
  const fromConfig = (Constants.expoConfig?.extra as { eas?: { projectId?: unknown } } | undefined)?.eas?.projectId;
  const id = typeof fromConfig === 'string' && fromConfig ? fromConfig : Constants.easConfig?.projectId;
  return typeof id === 'string' && id ? id : null;
}

/** Whether this build can get a push token at all (a native build with an EAS project id). */
export function pushSupported(): boolean {
  return isNative() && easProjectId() !== null;
}

/** Whether this device can receive notifications from this server. */
export function canReceive(config: PushConfigResponse | undefined): boolean {
  return pushSupported() && Boolean(config?.expo);
}

export async function registerServiceWorker(): Promise<void> {
  return undefined;
}

export async function currentEndpoint(): Promise<string | null> {
  return null;
}

/** Asks for permission (call it from the user's tap) and returns this install's Expo push token. */
export async function subscribeDevice(config: PushConfigResponse): Promise<DeviceSubscription> {
  const projectId = easProjectId();
  if (!isNative() || !projectId) throw new PushDeviceError('This build of the app has no EAS project id, so it cannot receive notifications.');
  if (!config.expo) throw new PushDeviceError('This server does not send notifications to the app.');
  // Android shows notifications only through a channel (the server's Expo pushes name this one);
  // Android 13+ shows the permission prompt only once a channel exists.
  if (Platform.OS === 'android') {
    await Notifications.setNotificationChannelAsync(ANDROID_NOTIFICATION_CHANNEL, {
      name: 'Reminders and briefings',
      importance: Notifications.AndroidImportance.HIGH,
    });
  }
  let permission = await Notifications.getPermissionsAsync();
  if (!permission.granted && permission.canAskAgain) permission = await Notifications.requestPermissionsAsync();
  if (!permission.granted) throw new PushDeviceError('Notifications are turned off for LifeOS in the system settings.');
  const token = await Notifications.getExpoPushTokenAsync({ projectId });
  return { kind: 'expo', token: token.data };
}

/**
 * This device stops receiving pushes at all (turned off, or signed out). The server's
 * subscription is removed separately (DELETE, or with the session); this also holds
 * when the server could not be told.
 */
export async function unsubscribeDevice(): Promise<void> {
  if (!isNative()) return;
  await Notifications.unregisterForNotificationsAsync();
}
