import { Redirect, Slot } from 'expo-router';
import { useAuthStatus } from '@/lib/api-context';
import { MessagingProvider } from '@/features/messages/messaging-provider';
import { AppShell } from '@/features/shell/app-shell';
import { NotificationOpener } from '@/features/notifications/notification-opener';
import { Loading } from '@/ui/primitives';

export default function SignedInLayout() {
  const status = useAuthStatus();
  if (status === 'loading') return <Loading />;
  if (status === 'signedOut') return <Redirect href="/login" />;
  return (
    <MessagingProvider>
      <NotificationOpener />
      <AppShell>
        <Slot />
      </AppShell>
    </MessagingProvider>
  );
}
