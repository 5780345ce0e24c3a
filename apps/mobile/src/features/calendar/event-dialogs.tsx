import { useState } from 'react';
import { Modal, ScrollView, StyleSheet, Switch, Text, View } from 'react-native';
import type { CalendarEvent, CreateCalendarEventBody } from '@lifeos/contract';
import { formatDay, formatTime, type Clock } from '@/lib/format';
import { apiFieldErrors, bannerError, type FormErrors } from '@/features/auth/form-errors';
import { useConfirm } from '@/ui/dialog';
import { Button, Heading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useCreateEvent, useDeleteEvent, useUpdateEvent } from './calendar.queries';
import { addDays, isDate, isTime, localDate, localTime, zonedToUtc } from './zoned';

function Sheet({ label, onClose, children }: { label: string; onClose(): void; children: React.ReactNode }) {
  const { colors } = useTheme();
  return (
    <Modal transparent visible animationType="fade" onRequestClose={onClose}>
      <View style={styles.backdrop}>
        <View role="dialog" aria-modal aria-label={label} style={[styles.sheet, { backgroundColor: colors.surface, borderColor: colors.border }]}>
          <ScrollView contentContainerStyle={styles.sheetContent} keyboardShouldPersistTaps="handled">
            {children}
          </ScrollView>
        </View>
      </View>
    </Modal>
  );
}

export function eventTimes(event: CalendarEvent, clock: Clock): string {
  if (event.allDay) return 'All day';
  return `${formatTime(event.start, clock.timeZone, clock.timeFormat)} – ${formatTime(event.end, clock.timeZone, clock.timeFormat)}`;
}

/** An event's details, with Edit and Delete (a repeating event: the whole series). */
export function EventDetails({ event, clock, onEdit, onClose }: { event: CalendarEvent; clock: Clock; onEdit(): void; onClose(): void }) {
  const { colors } = useTheme();
  const confirm = useConfirm();
  const remove = useDeleteEvent();
  const editable = event.source === 'local' || event.source === 'caldav' || event.source === 'google';
  async function destroy() {
    const ok = await confirm({
      title: event.recurrence ? 'Delete every occurrence of this event?' : 'Delete this event?',
      message: `${event.title}, ${formatDay(event.start, clock.timeZone)}`,
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (ok) remove.mutate(event.id, { onSuccess: onClose });
  }
  return (
    <Sheet label={event.title} onClose={onClose}>
      <Heading level={2}>{event.title}</Heading>
      <Text style={[styles.detail, { color: colors.text }]}>
        {formatDay(event.start, clock.timeZone)} · {eventTimes(event, clock)}
      </Text>
      {event.location ? <Muted>{event.location}</Muted> : null}
      {event.recurrence ? <Muted>Repeats ({event.recurrence.replace(/^RRULE:/, '')})</Muted> : null}
      {event.calendarName ? <Muted>Calendar: {event.calendarName}</Muted> : null}
      {event.notes ? <Text style={[styles.notes, { color: colors.text }]}>{event.notes}</Text> : null}
      {remove.error ? <Notice>{bannerError(remove.error, {})}</Notice> : null}
      <View style={styles.buttons}>
        <Button label="Close" variant="secondary" onPress={onClose} testID="event-close" />
        {editable ? <Button label="Edit" variant="secondary" onPress={onEdit} testID="event-edit" /> : null}
        <Button label="Delete" variant="destructive" busy={remove.isPending} onPress={() => void destroy()} testID="event-delete" />
      </View>
    </Sheet>
  );
}

type Draft = { title: string; date: string; start: string; end: string; allDay: boolean; location: string; notes: string };

/** Adds an event, or edits one; times are the user's time zone's wall clock. */
export function EventForm({ event, day, clock, onClose }: { event?: CalendarEvent; day: string; clock: Clock; onClose(): void }) {
  const { colors } = useTheme();
  const timeZone = clock.timeZone ?? 'UTC';
  const create = useCreateEvent();
  const update = useUpdateEvent();
  const mutation = event ? update : create;
  const [draft, setDraft] = useState<Draft>(() =>
    event
      ? {
          title: event.title,
          date: event.allDay ? event.start.slice(0, 10) : localDate(event.start, timeZone),
          start: event.allDay ? '09:00' : localTime(event.start, timeZone),
          end: event.allDay ? '10:00' : localTime(event.end, timeZone),
          allDay: event.allDay,
          location: event.location ?? '',
          notes: event.notes ?? '',
        }
      : { title: '', date: day, start: '09:00', end: '10:00', allDay: false, location: '', notes: '' },
  );
  const [errors, setErrors] = useState<FormErrors>({});
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function submit() {
    const local: FormErrors = {};
    if (!draft.title.trim()) local.title = 'Give the event a title.';
    if (!isDate(draft.date)) local.date = 'Use a date like 2026-12-24.';
    if (!draft.allDay) {
      if (!isTime(draft.start)) local.start = 'Use a time like 09:30.';
      if (!isTime(draft.end)) local.end = 'Use a time like 10:30.';
    }
    if (Object.keys(local).length === 0 && !draft.allDay && draft.end <= draft.start) local.end = 'The end must be after the start.';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    const body: CreateCalendarEventBody = draft.allDay
      ? { title: draft.title.trim(), start: `${draft.date}T00:00:00.000Z`, end: `${addDays(draft.date, 1)}T00:00:00.000Z`, allDay: true }
      : {
          title: draft.title.trim(),
          start: zonedToUtc(draft.date, draft.start, timeZone).toISOString(),
          end: zonedToUtc(draft.date, draft.end, timeZone).toISOString(),
          allDay: false,
        };
    body.location = draft.location.trim() || null;
    body.notes = draft.notes.trim() || null;
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (event) update.mutate({ id: event.id, ...body }, { onSuccess: onClose, onError });
    else create.mutate(body, { onSuccess: onClose, onError });
  }

  return (
    <Sheet label={event ? 'Edit event' : 'New event'} onClose={onClose}>
      <Heading level={2}>{event ? 'Edit event' : 'New event'}</Heading>
      {bannerError(mutation.error, errors) ? <Notice>{bannerError(mutation.error, errors)}</Notice> : null}
      <TextField label="Title" value={draft.title} onChangeText={set('title')} error={errors.title} autoFocus testID="event-title" />
      <TextField label="Date" value={draft.date} onChangeText={set('date')} error={errors.date} hint="YYYY-MM-DD" inputMode="numeric" testID="event-date" />
      <View style={styles.switchRow}>
        <Text style={{ color: colors.text }}>All day</Text>
        <Switch value={draft.allDay} onValueChange={set('allDay')} accessibilityLabel="All day" />
      </View>
      {draft.allDay ? null : (
        <View style={styles.pair}>
          <View style={styles.grow}>
            <TextField label="Starts" value={draft.start} onChangeText={set('start')} error={errors.start} hint="HH:MM" testID="event-start" />
          </View>
          <View style={styles.grow}>
            <TextField label="Ends" value={draft.end} onChangeText={set('end')} error={errors.end} hint="HH:MM" testID="event-end" />
          </View>
        </View>
      )}
      <TextField label="Location (optional)" value={draft.location} onChangeText={set('location')} error={errors.location} />
      <TextField label="Notes (optional)" value={draft.notes} onChangeText={set('notes')} multiline error={errors.notes} style={styles.notesInput} />
      <Muted style={styles.zone}>Times in {timeZone}.</Muted>
      <View style={styles.buttons}>
        <Button label="Cancel" variant="secondary" onPress={onClose} />
        <Button label={event ? 'Save event' : 'Add event'} busy={mutation.isPending} onPress={submit} testID="event-save" />
      </View>
    </Sheet>
  );
}

const styles = StyleSheet.create({
  backdrop: { flex: 1, backgroundColor: 'rgba(15, 23, 42, 0.55)', alignItems: 'center', justifyContent: 'center', padding: 16 },
  sheet: { width: '100%', maxWidth: 480, maxHeight: '90%', borderRadius: 14, borderWidth: 1 },
  sheetContent: { padding: 20, gap: 6 },
  detail: { fontSize: 15, marginBottom: 4 },
  notes: { marginTop: 8, lineHeight: 21 },
  buttons: { flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'flex-end', gap: 8, marginTop: 12 },
  switchRow: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center', marginBottom: 14 },
  pair: { flexDirection: 'row', gap: 8 },
  grow: { flex: 1 },
  notesInput: { minHeight: 72 },
  zone: { fontSize: 13 },
});
