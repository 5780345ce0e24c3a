// Native: a tap on a notification (a reminder, the briefing) opens the chat at
// its message, also when the tap launched the app. The push carries
// `data: { url, messageId }` (the server's Expo sender).
import * as Notifications from 'expo-notifications';
import { useEffect } from 'react';
import { Platform } from 'react-native';
import { messageIdOf } from './notification-data';

// While the app is open the chat shows the message as it arrives; the banner says so too.
if (Platform.OS === 'ios' || Platform.OS === 'android') {
  Notifications.setNotificationHandler({
    handleNotification: async () => ({ shouldShowBanner: true, shouldShowList: true, shouldPlaySound: false, shouldSetBadge: false }),
  });
}

/** Calls `open` with the message id of each notification the user taps (null: a notification without a message). */
export function useNotificationOpens(open: (messageId: string | null) => void): void {
  // The response that launched the app, then each later one.
  const response = Notifications.useLastNotificationResponse();
  useEffect(() => {
    if (!response || response.actionIdentifier !== Notifications.DEFAULT_ACTION_IDENTIFIER) return;
    // Handled once: a remount (signing in again) must not open it a second time.
    Notifications.clearLastNotificationResponse();
    open(messageIdOf(response.notification.request.content.data));
  }, [response, open]);
}
