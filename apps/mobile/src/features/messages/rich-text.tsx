import { Text, type StyleProp, type TextStyle } from 'react-native';

const TOKEN = /(\*\*[^*\n]+\*\*|`[^`\n]+`)/g;

/**
 * Message text with the two bits of Markdown the agents use: **bold** and
 * `code`. Everything else stays literal (no links or HTML from message text).
 */
export function RichText({ children, style }: { children: string; style?: StyleProp<TextStyle> }) {
  const parts = children.split(TOKEN);
  return (
    <Text selectable style={style}>
      {parts.map((part, i) => {
        if (part.startsWith('**') && part.endsWith('**') && part.length > 4) {
          return (
            <Text key={i} style={{ fontWeight: '700' }}>
              {part.slice(2, -2)}
            </Text>
          );
        }
        if (part.startsWith('`') && part.endsWith('`') && part.length > 2) {
          return (
            <Text key={i} style={{ fontFamily: 'monospace' }}>
              {part.slice(1, -1)}
            </Text>
          );
        }
        return part;
      })}
    </Text>
  );
}
