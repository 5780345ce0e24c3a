import { Link } from 'expo-router';
import { StyleSheet, View } from 'react-native';
import { Heading, Muted } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

export default function NotFound() {
  const { colors } = useTheme();
  return (
    <View style={styles.center}>
      <Heading>Page not found</Heading>
      <Muted>There is nothing at this address.</Muted>
      <Link href="/" style={[styles.link, { color: colors.link }]}>
        Back to the chat
      </Link>
    </View>
  );
}

const styles = StyleSheet.create({
  center: { flex: 1, alignItems: 'center', justifyContent: 'center', padding: 24, gap: 8 },
  link: { marginTop: 12, fontWeight: '600', textDecorationLine: 'underline' },
});
