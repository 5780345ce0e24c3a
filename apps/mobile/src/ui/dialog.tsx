import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Modal, Platform, Pressable, StyleSheet, Text, View } from 'react-native';
import { Button } from './primitives';
import { useTheme } from './theme';

export type ConfirmOptions = {
  title: string;
  message?: string;
  confirmLabel: string;
  /** Red confirm button: for what cannot be undone. */
  destructive?: boolean;
};

type Pending = ConfirmOptions & { resolve(ok: boolean): void };

const DialogContext = createContext<((options: ConfirmOptions) => Promise<boolean>) | null>(null);

/**
 * The app's own confirmation dialog (never window.confirm): a modal with the
 * question, Cancel, and the confirm button (red when destructive). Escape or a
 * tap outside cancels.
 */
export function DialogProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const confirm = useCallback(
    (options: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        setPending((previous) => {
          previous?.resolve(false);
          return { ...options, resolve };
        });
      }),
    [],
  );
  const close = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };
  return (
    <DialogContext.Provider value={confirm}>
      {children}
      {pending ? <ConfirmDialog options={pending} onClose={close} /> : null}
    </DialogContext.Provider>
  );
}

function ConfirmDialog({ options, onClose }: { options: ConfirmOptions; onClose(ok: boolean): void }) {
  const { colors } = useTheme();
  const cancelRef = useRef<View>(null);
  useEffect(() => {
    if (Platform.OS !== 'web') return;
    // Focus starts on Cancel (the safe choice); Escape cancels.
    const timer = setTimeout(() => (cancelRef.current as unknown as HTMLElement | null)?.focus?.(), 0);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose(false);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  return (
    <Modal transparent visible animationType="fade" onRequestClose={() => onClose(false)}>
      <View style={styles.backdrop}>
        <Pressable style={StyleSheet.absoluteFill} onPress={() => onClose(false)} accessibilityLabel="Close dialog" tabIndex={-1 as 0} />
        <View
          role="alertdialog"
          aria-modal
          aria-labelledby="dialog-title"
          aria-describedby={options.message ? 'dialog-message' : undefined}
          style={[styles.dialog, { backgroundColor: colors.surface, borderColor: colors.border }]}
          testID="confirm-dialog"
        >
          <Text nativeID="dialog-title" role="heading" aria-level={2} style={[styles.title, { color: colors.text }]}>
            {options.title}
          </Text>
          {options.message ? (
            <Text nativeID="dialog-message" style={[styles.message, { color: colors.textMuted }]}>
              {options.message}
            </Text>
          ) : null}
          <View style={styles.buttons}>
            <Button ref={cancelRef as never} label="Cancel" variant="secondary" onPress={() => onClose(false)} testID="confirm-cancel" />
            <Button
              label={options.confirmLabel}
              variant={options.destructive ? 'destructive' : 'primary'}
              onPress={() => onClose(true)}
              testID="confirm-ok"
            />
          </View>
        </View>
      </View>
    </Modal>
  );
}

/** `await confirm({ title, confirmLabel, destructive })`: true when the user confirmed. */
export function useConfirm(): (options: ConfirmOptions) => Promise<boolean> {
  const confirm = useContext(DialogContext);
  return useMemo(() => confirm ?? (() => Promise.resolve(false)), [confirm]);
}

const styles = StyleSheet.create({
  backdrop: { flex: 1, backgroundColor: 'rgba(15, 23, 42, 0.55)', alignItems: 'center', justifyContent: 'center', padding: 20 },
  dialog: { width: '100%', maxWidth: 420, borderRadius: 14, borderWidth: 1, padding: 20, gap: 10 },
  title: { fontSize: 18, fontWeight: '700' },
  message: { fontSize: 15, lineHeight: 21 },
  buttons: { flexDirection: 'row', justifyContent: 'flex-end', gap: 10, marginTop: 8 },
});
