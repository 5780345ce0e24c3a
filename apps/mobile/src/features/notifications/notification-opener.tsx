// Mounted once in the signed-in layout: a notification the user taps or clicks
// opens the chat at its message (`/?message=<id>`; the chat loads and highlights it).
import { useRouter } from 'expo-router';
import { useCallback } from 'react';
import { useNotificationOpens } from './notification-opens';

export function NotificationOpener(): null {
  const router = useRouter();
  const open = useCallback(
    (messageId: string | null) => router.navigate(messageId ? { pathname: '/', params: { message: messageId } } : '/'),
    [router],
  );
  useNotificationOpens(open);
  return null;
}
