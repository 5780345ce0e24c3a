import { Redirect, Slot } from 'expo-router';
import { SafeAreaView } from 'react-native-safe-area-context';
import { useAuthStatus } from '@/lib/api-context';
import { Loading } from '@/ui/primitives';

export default function AuthLayout() {
  const status = useAuthStatus();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return <Redirect href="/" />;
  return (
    <SafeAreaView style={{ flex: 1 }}>
      <Slot />
    </SafeAreaView>
  );
}
