import { forwardRef, useState, type ReactNode } from 'react';
import {
  ActivityIndicator,
  Platform,
  Pressable,
  StyleSheet,
  Text,
  TextInput,
  View,
  type PressableProps,
  type StyleProp,
  type TextInputProps,
  type TextStyle,
  type ViewStyle,
} from 'react-native';
import { useTheme } from './theme';

/** A visible focus outline (web keyboard users); native ignores outlines. */
export function focusRing(color: string): ViewStyle & TextStyle {
  return { outlineColor: color, outlineStyle: 'solid', outlineWidth: 2, outlineOffset: 1 } as ViewStyle & TextStyle;
}

type ButtonProps = Omit<PressableProps, 'children' | 'style'> & {
  label: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'destructive' | 'ghost';
  busy?: boolean;
  style?: StyleProp<ViewStyle>;
  compact?: boolean;
};

export const Button = forwardRef<View, ButtonProps>(function Button({ label, variant = 'primary', busy, disabled, style, compact, ...rest }, ref) {
  const { colors } = useTheme();
  const inactive = disabled || busy;
  const background =
    variant === 'primary'
      ? colors.primary
      : variant === 'destructive'
        ? colors.dangerStrong
        : variant === 'danger'
          ? colors.dangerSurface
          : variant === 'secondary'
            ? colors.surfaceAlt
            : 'transparent';
  const foreground =
    variant === 'primary'
      ? colors.onPrimary
      : variant === 'destructive'
        ? colors.onDangerStrong
        : variant === 'danger'
          ? colors.danger
          : variant === 'ghost'
            ? colors.link
            : colors.text;
  return (
    <Pressable
      ref={ref}
      role="button"
      accessibilityRole="button"
      accessibilityLabel={rest.accessibilityLabel ?? label}
      accessibilityState={{ disabled: !!inactive, busy: !!busy }}
      disabled={inactive}
      style={(state) => {
        const focused = (state as { focused?: boolean }).focused;
        return [
          styles.button,
          compact && styles.buttonCompact,
          { backgroundColor: background, borderColor: variant === 'secondary' ? colors.border : background },
          variant === 'danger' && { borderColor: colors.danger },
          state.pressed && { opacity: 0.8 },
          inactive && { opacity: 0.55 },
          focused && focusRing(colors.focus),
          style,
        ];
      }}
      {...rest}
    >
      {/* The button says it is busy (accessibilityState); the spinner is decoration. */}
      {busy ? <ActivityIndicator size="small" color={foreground} style={styles.buttonSpinner} aria-hidden /> : null}
      <Text style={[styles.buttonLabel, { color: foreground }]}>{label}</Text>
    </Pressable>
  );
});

type FieldProps = TextInputProps & {
  label: string;
  error?: string | null;
  hint?: string;
  /** Drawn at the end of the label row (e.g. a show-password toggle). */
  accessory?: ReactNode;
};

export const TextField = forwardRef<TextInput, FieldProps>(function TextField({ label, error, hint, style, onFocus, onBlur, accessory, ...rest }, ref) {
  const { colors } = useTheme();
  const [focused, setFocused] = useState(false);
  return (
    <View style={styles.field}>
      <Text style={[styles.label, { color: colors.text }]}>{label}</Text>
      <TextInput
        ref={ref}
        accessibilityLabel={label}
        aria-invalid={error ? true : undefined}
        placeholderTextColor={colors.textMuted}
        style={[
          styles.input,
          { color: colors.text, backgroundColor: colors.surface, borderColor: error ? colors.danger : focused ? colors.focus : colors.border },
          focused && focusRing(colors.focus),
          style,
        ]}
        onFocus={(e) => {
          setFocused(true);
          onFocus?.(e);
        }}
        onBlur={(e) => {
          setFocused(false);
          onBlur?.(e);
        }}
        {...rest}
      />
      {/* After the input in reading and Tab order, drawn at the end of the label row. */}
      {accessory ? <View style={styles.accessory}>{accessory}</View> : null}
      {error ? (
        <Text style={[styles.fieldError, { color: colors.danger }]} accessibilityLiveRegion="polite" role="alert">
          {error}
        </Text>
      ) : hint ? (
        <Text style={[styles.hint, { color: colors.textMuted }]}>{hint}</Text>
      ) : null}
    </View>
  );
});

/** A password box with a Show/Hide toggle. */
export const PasswordField = forwardRef<TextInput, FieldProps>(function PasswordField(props, ref) {
  const { colors } = useTheme();
  const [shown, setShown] = useState(false);
  return (
    <TextField
      ref={ref}
      {...props}
      secureTextEntry={!shown}
      accessory={
        <Pressable
          role="button"
          aria-pressed={shown}
          accessibilityLabel={shown ? `Hide characters of ${props.label.toLowerCase()}` : `Show characters of ${props.label.toLowerCase()}`}
          onPress={() => setShown((v) => !v)}
          hitSlop={8}
          style={(state) => [styles.reveal, (state as { focused?: boolean }).focused && focusRing(colors.focus)]}
          testID={props.testID ? `${props.testID}-reveal` : undefined}
        >
          <Text style={[styles.revealText, { color: colors.link }]}>{shown ? 'Hide' : 'Show'}</Text>
        </Pressable>
      }
    />
  );
});

export function Notice({ tone = 'error', children }: { tone?: 'error' | 'info' | 'success'; children: ReactNode }) {
  const { colors } = useTheme();
  const color = tone === 'error' ? colors.danger : tone === 'success' ? colors.success : colors.text;
  return (
    <View
      role={tone === 'error' ? 'alert' : 'status'}
      accessibilityLiveRegion="polite"
      style={[styles.notice, { borderColor: color, backgroundColor: tone === 'error' ? colors.dangerSurface : colors.surfaceAlt }]}
    >
      <Text style={{ color }}>{children}</Text>
    </View>
  );
}

export function Heading({ children, level = 1, style }: { children: ReactNode; level?: 1 | 2; style?: StyleProp<TextStyle> }) {
  const { colors } = useTheme();
  return (
    <Text role="heading" aria-level={level} style={[level === 1 ? styles.h1 : styles.h2, { color: colors.text }, style]}>
      {children}
    </Text>
  );
}

export function Muted({ children, style }: { children: ReactNode; style?: StyleProp<TextStyle> }) {
  const { colors } = useTheme();
  return <Text style={[{ color: colors.textMuted }, style]}>{children}</Text>;
}

export function Card({ children, style }: { children: ReactNode; style?: StyleProp<ViewStyle> }) {
  const { colors } = useTheme();
  return <View style={[styles.card, { backgroundColor: colors.surface, borderColor: colors.border }, style]}>{children}</View>;
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  const { colors } = useTheme();
  return (
    <View style={styles.loading}>
      <ActivityIndicator color={colors.textMuted} accessibilityLabel={label} />
    </View>
  );
}

export const styles = StyleSheet.create({
  accessory: { position: 'absolute', top: -2, right: 0 },
  reveal: { paddingHorizontal: 6, paddingVertical: 2, borderRadius: 6 },
  revealText: { fontSize: 13, fontWeight: '600' },
  button: {
    minHeight: 44,
    paddingHorizontal: 16,
    borderRadius: 10,
    borderWidth: 1,
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'center',
  },
  buttonCompact: { minHeight: 36, paddingHorizontal: 12 },
  buttonLabel: { fontSize: 15, fontWeight: '600' },
  buttonSpinner: { marginRight: 8 },
  field: { marginBottom: 14 },
  label: { fontSize: 14, fontWeight: '600', marginBottom: 6 },
  input: {
    minHeight: 44,
    borderWidth: 1,
    borderRadius: 10,
    paddingHorizontal: 12,
    paddingVertical: Platform.OS === 'web' ? 10 : 8,
    fontSize: 16,
  },
  fieldError: { marginTop: 6, fontSize: 13 },
  hint: { marginTop: 6, fontSize: 13 },
  notice: { borderWidth: 1, borderRadius: 10, padding: 12, marginBottom: 14 },
  h1: { fontSize: 24, fontWeight: '700', marginBottom: 12 },
  h2: { fontSize: 18, fontWeight: '700', marginBottom: 8 },
  card: { borderWidth: 1, borderRadius: 12, padding: 14, marginBottom: 12 },
  loading: { padding: 24, alignItems: 'center', justifyContent: 'center' },
});

/** One option of a `role="radiogroup"`: a pill that shows whether it is the chosen one. */
export function Choice({ label, selected, onPress, testID, accessibilityLabel }: { label: string; selected: boolean; onPress(): void; testID?: string; accessibilityLabel?: string }) {
  const { colors } = useTheme();
  return (
    <Pressable
      role="radio"
      aria-checked={selected}
      accessibilityState={{ checked: selected }}
      {...(accessibilityLabel ? { accessibilityLabel } : {})}
      onPress={onPress}
      style={[choiceStyle, { borderColor: selected ? colors.primary : colors.border, backgroundColor: selected ? colors.surfaceAlt : colors.surface }]}
      {...(testID ? { testID } : {})}
    >
      <Text style={{ color: colors.text, fontWeight: selected ? '700' : '400' }}>{label}</Text>
    </Pressable>
  );
}

const choiceStyle: ViewStyle = { borderWidth: 1, borderRadius: 10, paddingHorizontal: 16, paddingVertical: 10, minHeight: 44, justifyContent: 'center' };
