import { Slot } from 'expo-router';
import { StatusBar } from 'expo-status-bar';
import { View } from 'react-native';
import { AppProviders } from '@/app-providers';
import { useTheme } from '@/ui/theme';

export default function RootLayout() {
  return (
    <AppProviders>
      <Themed />
    </AppProviders>
  );
}

function Themed() {
  const { colors, scheme } = useTheme();
  return (
    <View style={{ flex: 1, backgroundColor: colors.background }}>
      <StatusBar style={scheme === 'dark' ? 'light' : 'dark'} />
      <Slot />
    </View>
  );
}
