import { useEffect, useState } from 'react';
import { FlatList, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import { useConfirm } from '@/ui/dialog';
import type { Memory } from '@lifeos/contract';
import { formatDateTime } from '@/lib/format';
import { useMe } from '@/features/auth/auth.queries';
import { Button, Card, Heading, Loading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useCreateMemory, useDeleteMemory, useMemories, useUpdateMemory } from './memories.queries';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** What @mem remembers: search, add, edit, forget. */
export function MemoriesScreen() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const memories = useMemories(q);
  const create = useCreateMemory();
  const [draft, setDraft] = useState('');
  const me = useMe();

  return (
    <FlatList
      data={memories.data ?? []}
      keyExtractor={(m) => m.id}
      contentContainerStyle={styles.content}
      ListHeaderComponent={
        <View>
          <Heading>Memories</Heading>
          <Muted style={styles.lead}>What @mem knows about you. Say "@mem remember …" in the chat, or add it here.</Muted>
          <TextField label="Search memories" value={search} onChangeText={setSearch} placeholder="e.g. birthday" inputMode="search" testID="memories-search" />
          <View style={styles.addRow}>
            <View style={styles.fill}>
              <TextField label="Remember something new" value={draft} onChangeText={setDraft} placeholder="My passport expires in March" testID="memories-new" />
            </View>
            <Button
              label="Add"
              disabled={!draft.trim()}
              busy={create.isPending}
              onPress={() => create.mutate(draft.trim(), { onSuccess: () => setDraft('') })}
              style={styles.addButton}
              testID="memories-add"
            />
          </View>
          {create.error ? <Notice>{errorMessage(create.error)}</Notice> : null}
          {memories.error ? <Notice>{errorMessage(memories.error)}</Notice> : null}
          {memories.isPending ? <Loading label="Loading memories" /> : null}
        </View>
      }
      ListEmptyComponent={
        memories.isPending ? null : <Muted style={styles.empty}>{q ? `Nothing matches “${q}”.` : 'No memories yet.'}</Muted>
      }
      renderItem={({ item }) => <MemoryRow memory={item} timeZone={me.data?.timezone} />}
    />
  );
}

function MemoryRow({ memory, timeZone }: { memory: Memory; timeZone?: string }) {
  const { colors } = useTheme();
  const update = useUpdateMemory();
  const remove = useDeleteMemory();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(memory.content);

  const confirm = useConfirm();
  async function forget() {
    if (await confirm({ title: 'Forget this memory?', message: memory.content, confirmLabel: 'Forget', destructive: true })) remove.mutate(memory.id);
  }

  return (
    <Card>
      {editing ? (
        <>
          <TextField label="Memory" value={text} onChangeText={setText} multiline testID="memory-edit-input" />
          <View style={styles.buttons}>
            <Button
              label="Save"
              compact
              disabled={!text.trim()}
              busy={update.isPending}
              onPress={() => update.mutate({ id: memory.id, content: text.trim() }, { onSuccess: () => setEditing(false) })}
              testID="memory-save"
            />
            <Button label="Cancel" compact variant="secondary" onPress={() => { setText(memory.content); setEditing(false); }} />
          </View>
        </>
      ) : (
        <>
          <Text selectable style={[styles.memory, { color: colors.text }]} testID="memory-content">
            {memory.content}
          </Text>
          <Muted style={styles.date}>Updated {formatDateTime(memory.updatedAt, timeZone)}</Muted>
          <View style={styles.buttons}>
            <Button label="Edit" compact variant="secondary" onPress={() => setEditing(true)} accessibilityLabel={`Edit memory: ${memory.content}`} />
            <Button label="Forget" compact variant="danger" busy={remove.isPending} onPress={() => void forget()} accessibilityLabel={`Forget memory: ${memory.content}`} />
          </View>
        </>
      )}
      {update.error || remove.error ? <Notice>{errorMessage(update.error ?? remove.error)}</Notice> : null}
    </Card>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  lead: { marginBottom: 16 },
  fill: { flex: 1 },
  addRow: { flexDirection: 'row', alignItems: 'flex-start', gap: 8 },
  addButton: { marginTop: 26 },
  empty: { textAlign: 'center', padding: 24 },
  memory: { fontSize: 16, lineHeight: 22 },
  date: { fontSize: 12, marginTop: 6 },
  buttons: { flexDirection: 'row', gap: 8, marginTop: 10 },
});
