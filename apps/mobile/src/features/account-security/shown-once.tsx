import { useState } from 'react';
import { Platform, StyleSheet, Text, View } from 'react-native';
import { copyText } from '@/lib/clipboard';
import { Button, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

const mono = Platform.select({ ios: 'Menlo', android: 'monospace', default: 'ui-monospace, Menlo, Consolas, monospace' });

/** A Copy button that says whether the copy worked. */
export function CopyButton({ text, label, accessibilityLabel }: { text: string; label: string; accessibilityLabel?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <View style={styles.copy}>
      <Button
        label={state === 'copied' ? 'Copied' : label}
        variant="secondary"
        compact
        accessibilityLabel={state === 'copied' ? 'Copied' : (accessibilityLabel ?? label)}
        onPress={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      />
      {state === 'failed' ? <Notice>Copying did not work here; select the text and copy it yourself.</Notice> : null}
    </View>
  );
}

/** Text in a fixed-width font that can be selected. */
export function Code({ children, testID }: { children: string; testID?: string }) {
  const { colors } = useTheme();
  return (
    <Text selectable style={[styles.code, { color: colors.text, backgroundColor: colors.surfaceAlt, borderColor: colors.border }]} testID={testID}>
      {children}
    </Text>
  );
}

/** A secret the server gives once (a token, recovery codes): the value, Copy, and the warning that it will not come back. */
export function ShownOnce({ values, copyLabel, warning, testID }: { values: string[]; copyLabel: string; warning: string; testID?: string }) {
  return (
    <View style={styles.box} testID={testID}>
      <Notice tone="info">{warning}</Notice>
      {values.map((value) => (
        <Code key={value}>{value}</Code>
      ))}
      <CopyButton text={values.join('\n')} label={copyLabel} />
    </View>
  );
}

const styles = StyleSheet.create({
  box: { gap: 6, marginVertical: 8 },
  copy: { alignSelf: 'flex-start', gap: 6, marginTop: 4 },
  code: { fontFamily: mono, fontSize: 15, padding: 8, borderWidth: 1, borderRadius: 6 },
});
