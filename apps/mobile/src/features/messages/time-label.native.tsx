import { useState } from 'react';
import { Text, type StyleProp, type TextStyle } from 'react-native';

export type TimeLabelProps = { iso: string; short: string; full: string; style?: StyleProp<TextStyle> };

/** A message's time; a long press shows the full date and time. */
export function TimeLabel({ short, full, style }: TimeLabelProps) {
  const [expanded, setExpanded] = useState(false);
  return (
    <Text style={style} accessibilityLabel={full} onLongPress={() => setExpanded((e) => !e)} suppressHighlighting>
      {expanded ? full : short}
    </Text>
  );
}
