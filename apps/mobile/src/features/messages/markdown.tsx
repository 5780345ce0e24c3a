import { Lexer, type Token, type Tokens } from 'marked';
import { memo, useMemo, useState, type ReactNode } from 'react';
import { Linking, Platform, Pressable, ScrollView, StyleSheet, Text, View, type StyleProp, type TextStyle } from 'react-native';
import { copyText } from '@/lib/clipboard';
import { useTheme, type Colors } from '@/ui/theme';

/**
 * Message text as Markdown (CommonMark + GitHub's tables and strikethrough),
 * parsed by `marked`'s lexer and drawn with React Native elements: no HTML
 * from a message ever reaches the page. Raw HTML in the text stays literal,
 * links open only for http, https and mailto.
 */
export const Markdown = memo(function Markdown({ text, style }: { text: string; style?: StyleProp<TextStyle> }) {
  const { colors } = useTheme();
  const tokens = useMemo(() => parse(text), [text]);
  const flat = StyleSheet.flatten(style) ?? {};
  const ctx: RenderContext = { colors, textStyle: flat, color: (flat.color as string | undefined) ?? colors.text };
  return <View style={styles.root}>{renderBlocks(tokens, ctx, 'b')}</View>;
});

function parse(text: string): Token[] {
  try {
    return new Lexer({ gfm: true, breaks: true }).lex(text);
  } catch {
    return [{ type: 'paragraph', raw: text, text, tokens: [{ type: 'text', raw: text, text }] } as Tokens.Paragraph];
  }
}

type RenderContext = { colors: Colors; textStyle: TextStyle; color: string };

/** Only these open: no javascript:, data:, file: or app-internal schemes from a message. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

function renderBlocks(tokens: Token[], ctx: RenderContext, key: string): ReactNode[] {
  return tokens.map((token, i) => renderBlock(token, ctx, `${key}.${i}`)).filter((n) => n !== null);
}

function renderBlock(token: Token, ctx: RenderContext, key: string): ReactNode {
  const base = [ctx.textStyle, { color: ctx.color }];
  switch (token.type) {
    case 'space':
      return null;
    case 'paragraph':
      return (
        <Text key={key} selectable style={base}>
          {renderInline((token as Tokens.Paragraph).tokens, ctx, key)}
        </Text>
      );
    case 'text': {
      // Inside a tight list item, text comes as a block of its own.
      const t = token as Tokens.Text;
      return (
        <Text key={key} selectable style={base}>
          {t.tokens ? renderInline(t.tokens, ctx, key) : t.text}
        </Text>
      );
    }
    case 'heading': {
      const h = token as Tokens.Heading;
      const size = [22, 19, 17, 16, 16, 16][h.depth - 1] ?? 16;
      return (
        <Text key={key} selectable role="heading" aria-level={Math.min(h.depth + 2, 6)} style={[base, styles.heading, { fontSize: size, lineHeight: size + 6 }]}>
          {renderInline(h.tokens, ctx, key)}
        </Text>
      );
    }
    case 'list':
      return <List key={key} list={token as Tokens.List} ctx={ctx} id={key} />;
    case 'code':
      return <CodeBlock key={key} code={(token as Tokens.Code).text} lang={(token as Tokens.Code).lang} ctx={ctx} />;
    case 'blockquote':
      return (
        <View key={key} style={[styles.quote, { borderLeftColor: ctx.colors.border }]}>
          {renderBlocks((token as Tokens.Blockquote).tokens, { ...ctx, color: ctx.colors.textMuted }, key)}
        </View>
      );
    case 'table':
      return <Table key={key} table={token as Tokens.Table} ctx={ctx} id={key} />;
    case 'hr':
      return <View key={key} style={[styles.hr, { backgroundColor: ctx.colors.border }]} role="separator" />;
    case 'html':
    case 'def':
    default:
      // Raw HTML and anything unknown: shown as the text it is.
      return (
        <Text key={key} selectable style={base}>
          {(token as { raw?: string }).raw?.replace(/\n+$/, '') ?? ''}
        </Text>
      );
  }
}

function renderInline(tokens: Token[] | undefined, ctx: RenderContext, key: string): ReactNode[] {
  return (tokens ?? []).map((token, i) => renderInlineToken(token, ctx, `${key}.${i}`));
}

function renderInlineToken(token: Token, ctx: RenderContext, key: string): ReactNode {
  switch (token.type) {
    case 'strong':
      return (
        <Text key={key} style={styles.strong}>
          {renderInline((token as Tokens.Strong).tokens, ctx, key)}
        </Text>
      );
    case 'em':
      return (
        <Text key={key} style={styles.em}>
          {renderInline((token as Tokens.Em).tokens, ctx, key)}
        </Text>
      );
    case 'del':
      return (
        <Text key={key} style={styles.del}>
          {renderInline((token as Tokens.Del).tokens, ctx, key)}
        </Text>
      );
    case 'codespan':
      return (
        <Text key={key} style={[styles.inlineCode, { backgroundColor: ctx.colors.surfaceAlt }]}>
          {(token as Tokens.Codespan).text}
        </Text>
      );
    case 'br':
      return '\n';
    case 'link':
      return <Link key={key} href={(token as Tokens.Link).href} ctx={ctx}>{renderInline((token as Tokens.Link).tokens, ctx, key)}</Link>;
    case 'image': {
      // Remote images are not loaded (privacy, and the page's CSP); the alt text links to it.
      const image = token as Tokens.Image;
      return (
        <Link key={key} href={image.href} ctx={ctx}>
          {image.text || image.href}
        </Link>
      );
    }
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? <Text key={key}>{renderInline(t.tokens, ctx, key)}</Text> : decodeEntities(t.text);
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    default:
      return (token as { raw?: string }).raw ?? '';
  }
}

// marked escapes these in text tokens; the text is shown as text, so turn them back.
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m);
}

function Link({ href, ctx, children }: { href: string; ctx: RenderContext; children: ReactNode }) {
  const safe = safeHref(href);
  if (!safe) return <Text>{children}</Text>;
  const style = { color: ctx.colors.link, textDecorationLine: 'underline' as const };
  if (Platform.OS === 'web') {
    // react-native-web draws this as <a href target rel>.
    const webProps = { href: safe, hrefAttrs: { target: '_blank', rel: 'noopener noreferrer' } } as object;
    return (
      <Text role="link" style={style} {...webProps}>
        {children}
      </Text>
    );
  }
  return (
    <Text role="link" style={style} onPress={() => void Linking.openURL(safe)}>
      {children}
    </Text>
  );
}

function List({ list, ctx, id }: { list: Tokens.List; ctx: RenderContext; id: string }) {
  const start = typeof list.start === 'number' ? list.start : 1;
  return (
    <View style={styles.list} role="list">
      {list.items.map((item, i) => (
        <View key={`${id}.${i}`} style={styles.item} role="listitem">
          {/* A fixed-width marker column: wrapped lines of the item stay indented. */}
          <Text style={[ctx.textStyle, styles.marker, { color: ctx.color }]} aria-hidden>
            {item.task ? (item.checked ? '☑' : '☐') : list.ordered ? `${start + i}.` : '•'}
          </Text>
          <View style={styles.itemBody}>{renderBlocks(item.tokens, ctx, `${id}.${i}`)}</View>
        </View>
      ))}
    </View>
  );
}

function CodeBlock({ code, lang, ctx }: { code: string; lang?: string | undefined; ctx: RenderContext }) {
  const [copied, setCopied] = useState(false);
  const language = lang?.split(/\s/)[0] ?? '';
  return (
    <View style={[styles.code, { backgroundColor: ctx.colors.surfaceAlt, borderColor: ctx.colors.border }]}>
      <View style={styles.codeBar}>
        <Text style={[styles.codeLang, { color: ctx.colors.textMuted }]}>{language || 'code'}</Text>
        <Pressable
          role="button"
          accessibilityLabel={copied ? 'Code copied' : `Copy ${language ? `${language} ` : ''}code`}
          onPress={() => {
            void copyText(code).then((ok) => {
              setCopied(ok);
              if (ok) setTimeout(() => setCopied(false), 2000);
            });
          }}
          style={({ pressed }) => [styles.copy, { borderColor: ctx.colors.border, opacity: pressed ? 0.7 : 1 }]}
          testID="code-copy"
        >
          <Text style={[styles.copyText, { color: ctx.colors.text }]}>{copied ? 'Copied' : 'Copy'}</Text>
        </Pressable>
      </View>
      <ScrollView horizontal contentContainerStyle={styles.codeScroll}>
        <Text selectable style={[styles.codeText, { color: ctx.colors.text }]}>
          {code}
        </Text>
      </ScrollView>
    </View>
  );
}

function Table({ table, ctx, id }: { table: Tokens.Table; ctx: RenderContext; id: string }) {
  const align = (i: number): TextStyle => ({ textAlign: (table.align[i] ?? 'left') as TextStyle['textAlign'] });
  const cell = [styles.cell, { borderColor: ctx.colors.border }];
  return (
    <ScrollView horizontal style={styles.tableScroll}>
      <View role="table" style={[styles.table, { borderColor: ctx.colors.border }]}>
        <View role="row" style={[styles.row, { backgroundColor: ctx.colors.surfaceAlt }]}>
          {table.header.map((h, i) => (
            <View key={`${id}.h${i}`} role="columnheader" style={cell}>
              <Text selectable style={[ctx.textStyle, styles.strong, { color: ctx.color }, align(i)]}>
                {renderInline(h.tokens, ctx, `${id}.h${i}`)}
              </Text>
            </View>
          ))}
        </View>
        {table.rows.map((row, r) => (
          <View key={`${id}.r${r}`} role="row" style={styles.row}>
            {row.map((c, i) => (
              <View key={`${id}.r${r}.${i}`} role="cell" style={cell}>
                <Text selectable style={[ctx.textStyle, { color: ctx.color }, align(i)]}>
                  {renderInline(c.tokens, ctx, `${id}.r${r}.${i}`)}
                </Text>
              </View>
            ))}
          </View>
        ))}
      </View>
    </ScrollView>
  );
}

const mono = Platform.select({ ios: 'Menlo', android: 'monospace', default: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' });

const styles = StyleSheet.create({
  root: { gap: 8 },
  heading: { fontWeight: '700' },
  strong: { fontWeight: '700' },
  em: { fontStyle: 'italic' },
  del: { textDecorationLine: 'line-through' },
  inlineCode: { fontFamily: mono, fontSize: 14, borderRadius: 4, paddingHorizontal: 3 },
  list: { gap: 4 },
  item: { flexDirection: 'row', alignItems: 'flex-start' },
  marker: { width: 26, textAlign: 'right', paddingRight: 8 },
  itemBody: { flex: 1, minWidth: 0, gap: 4 },
  quote: { borderLeftWidth: 3, paddingLeft: 10, gap: 6 },
  hr: { height: 1, marginVertical: 4 },
  code: { borderWidth: 1, borderRadius: 8, overflow: 'hidden' },
  codeBar: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', paddingHorizontal: 10, paddingTop: 4 },
  codeLang: { fontSize: 12 },
  copy: { borderWidth: 1, borderRadius: 6, paddingHorizontal: 8, paddingVertical: 2, minHeight: 24, justifyContent: 'center' },
  copyText: { fontSize: 12, fontWeight: '600' },
  codeScroll: { padding: 10 },
  codeText: { fontFamily: mono, fontSize: 14, lineHeight: 20 },
  tableScroll: { flexGrow: 0 },
  table: { borderWidth: 1, borderRadius: 6, overflow: 'hidden' },
  row: { flexDirection: 'row' },
  cell: { borderRightWidth: StyleSheet.hairlineWidth, borderBottomWidth: StyleSheet.hairlineWidth, paddingHorizontal: 8, paddingVertical: 4, minWidth: 80, maxWidth: 280 },
});
