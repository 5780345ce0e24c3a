import { StyleSheet, type StyleProp, type TextStyle } from 'react-native';
import type { CSSProperties } from 'react';

export type TimeLabelProps = { iso: string; short: string; full: string; style?: StyleProp<TextStyle> };

/** A message's time as a <time> element: machine-readable, with the full date and time on hover. */
export function TimeLabel({ iso, short, full, style }: TimeLabelProps) {
  const flat = (StyleSheet.flatten(style) ?? {}) as CSSProperties;
  return (
    <time dateTime={iso} title={full} style={{ fontFamily: 'inherit', ...flat, display: 'block' }}>
      {short}
    </time>
  );
}
