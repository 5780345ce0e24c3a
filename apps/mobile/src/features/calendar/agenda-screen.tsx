import { useFocusEffect } from 'expo-router';
import { useCallback, useMemo, useState } from 'react';
import { Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import type { CalendarEvent } from '@lifeos/contract';
import { errorMessage } from '@/lib/api-client';
import { formatDay, type Clock } from '@/lib/format';
import { useClock } from '@/features/auth/auth.queries';
import { Button, Card, Heading, Loading, Muted, Notice, focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { groupByDay } from './agenda';
import { useCalendarEvents, useNewFeedUrl } from './calendar.queries';
import { EventDetails, EventForm, eventTimes } from './event-dialogs';
import { addDays, localDate, monthGrid, startOfWeek, zonedToUtc } from './zoned';

const AGENDA_DAYS = 14;
type View3 = 'agenda' | 'week' | 'month';
const VIEWS: { value: View3; label: string }[] = [
  { value: 'agenda', label: 'Agenda' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

/** The days a view covers, from its anchor day (YYYY-MM-DD in the user's zone). */
function viewDays(view: View3, anchor: string, today: string): string[] {
  if (view === 'month') return monthGrid(anchor).days;
  const first = view === 'week' ? startOfWeek(anchor) : today;
  return Array.from({ length: view === 'week' ? 7 : AGENDA_DAYS }, (_, i) => addDays(first, i));
}

const dayLabelOf = (day: string) => formatDay(`${day}T12:00:00.000Z`, 'UTC');

/** The calendar: agenda (the next two weeks), week and month; tap an event to see, edit or delete it. It updates live. */
export function AgendaScreen() {
  const { colors } = useTheme();
  const clock = useClock();
  const timeZone = clock.timeZone ?? 'UTC';
  const [today, setToday] = useState(() => localDate(new Date(), timeZone));
  const [view, setView] = useState<View3>('agenda');
  const [anchor, setAnchor] = useState(today);
  const [open, setOpen] = useState<CalendarEvent | null>(null);
  const [editing, setEditing] = useState<{ event?: CalendarEvent; day: string } | null>(null);

  // A new day since the screen was last shown moves the agenda.
  useFocusEffect(
    useCallback(() => {
      const now = localDate(new Date(), timeZone);
      setToday((current) => (current === now ? current : now));
    }, [timeZone]),
  );

  const days = useMemo(() => viewDays(view, anchor, today), [view, anchor, today]);
  const from = zonedToUtc(days[0]!, '00:00', timeZone).toISOString();
  const to = zonedToUtc(addDays(days.at(-1)!, 1), '00:00', timeZone).toISOString();
  const events = useCalendarEvents(from, to);
  const byDay = new Map(groupByDay(events.data ?? [], timeZone).map((d) => [d.day, d.events]));

  const step = (direction: 1 | -1) => setAnchor((a) => (view === 'month' ? `${addDays(`${a.slice(0, 7)}-15`, direction * 30).slice(0, 7)}-01` : addDays(a, direction * 7)));
  const title =
    view === 'month'
      ? new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${anchor.slice(0, 7)}-15T12:00:00Z`))
      : view === 'week'
        ? `Week of ${dayLabelOf(days[0]!)}`
        : 'Agenda';

  return (
    <ScrollView contentContainerStyle={styles.content}>
      <View style={styles.header}>
        <Heading style={styles.title}>{title}</Heading>
        <Button label="Add event" compact onPress={() => setEditing({ day: view === 'agenda' ? today : anchor })} testID="calendar-add" />
      </View>
      <View style={styles.toolbar}>
        <View role="radiogroup" accessibilityLabel="Calendar view" style={styles.segments}>
          {VIEWS.map((option) => {
            const selected = view === option.value;
            return (
              <Pressable
                key={option.value}
                role="radio"
                aria-checked={selected}
                accessibilityState={{ checked: selected }}
                onPress={() => setView(option.value)}
                style={(state) => [
                  styles.segment,
                  { borderColor: selected ? colors.primary : colors.border, backgroundColor: selected ? colors.surfaceAlt : colors.surface },
                  (state as { focused?: boolean }).focused && focusRing(colors.focus),
                ]}
                testID={`calendar-view-${option.value}`}
              >
                <Text style={{ color: colors.text, fontWeight: selected ? '700' : '400' }}>{option.label}</Text>
              </Pressable>
            );
          })}
        </View>
        {view === 'agenda' ? null : (
          <View style={styles.segments}>
            <Button label="Previous" compact variant="secondary" onPress={() => step(-1)} accessibilityLabel={view === 'month' ? 'Previous month' : 'Previous week'} />
            <Button label="Today" compact variant="secondary" onPress={() => setAnchor(today)} />
            <Button label="Next" compact variant="secondary" onPress={() => step(1)} accessibilityLabel={view === 'month' ? 'Next month' : 'Next week'} />
          </View>
        )}
      </View>
      {view === 'agenda' ? <Muted style={styles.lead}>The next {AGENDA_DAYS} days. You can also add events with "@cal" in the chat.</Muted> : null}
      {events.error ? <Notice>{errorMessage(events.error)}</Notice> : null}
      {events.isPending ? <Loading label="Loading events" /> : null}

      {view === 'month' ? (
        <MonthGrid days={days} month={anchor.slice(0, 7)} today={today} byDay={byDay} onOpen={setOpen} onDay={(day) => { setAnchor(day); setView('week'); }} />
      ) : (
        <DayList
          days={view === 'week' ? days : days.filter((d) => byDay.has(d))}
          byDay={byDay}
          today={today}
          clock={clock}
          onOpen={setOpen}
          emptyAll={view === 'agenda' && !events.isPending && byDay.size === 0}
          showEmptyDays={view === 'week'}
        />
      )}
      <Subscribe />
      {open && !editing ? <EventDetails event={open} clock={clock} onClose={() => setOpen(null)} onEdit={() => setEditing({ event: open, day: anchor })} /> : null}
      {editing ? (
        <EventForm
          event={editing.event}
          day={editing.day}
          clock={clock}
          onClose={() => {
            setEditing(null);
            setOpen(null);
          }}
        />
      ) : null}
    </ScrollView>
  );
}

function EventCard({ event, clock, onOpen }: { event: CalendarEvent; clock: Clock; onOpen(event: CalendarEvent): void }) {
  const { colors } = useTheme();
  return (
    <Pressable
      role="button"
      onPress={() => onOpen(event)}
      style={(state) => [(state as { focused?: boolean }).focused && focusRing(colors.focus), styles.eventPress]}
      testID="calendar-event"
    >
      <Card style={styles.event}>
        <Text style={[styles.time, { color: colors.textMuted }]}>{eventTimes(event, clock)}</Text>
        <Text style={[styles.eventTitle, { color: colors.text }]} testID="agenda-event-title">
          {event.title}
        </Text>
        {event.location ? <Muted>{event.location}</Muted> : null}
      </Card>
    </Pressable>
  );
}

function DayList(props: {
  days: string[];
  byDay: Map<string, CalendarEvent[]>;
  today: string;
  clock: Clock;
  onOpen(event: CalendarEvent): void;
  emptyAll: boolean;
  showEmptyDays: boolean;
}) {
  const { colors } = useTheme();
  if (props.emptyAll)
    return (
      <Card>
        <Text style={{ color: colors.text }}>Nothing planned. Add an event, or try “@cal lunch with Sam tomorrow at 12:30” in the chat.</Text>
      </Card>
    );
  return (
    <>
      {props.days.map((day) => {
        const list = props.byDay.get(day) ?? [];
        return (
          <View key={day} style={styles.day} testID="agenda-day">
            <Text role="heading" aria-level={2} style={[styles.dayTitle, { color: day === props.today ? colors.link : colors.text }]}>
              {day === props.today ? `Today, ${dayLabelOf(day)}` : dayLabelOf(day)}
            </Text>
            {list.map((event) => (
              <EventCard key={`${event.id}:${event.start}`} event={event} clock={props.clock} onOpen={props.onOpen} />
            ))}
            {list.length === 0 && props.showEmptyDays ? <Muted>No events</Muted> : null}
          </View>
        );
      })}
    </>
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function MonthGrid(props: { days: string[]; month: string; today: string; byDay: Map<string, CalendarEvent[]>; onOpen(e: CalendarEvent): void; onDay(day: string): void }) {
  const { colors } = useTheme();
  const weeks = Array.from({ length: props.days.length / 7 }, (_, w) => props.days.slice(w * 7, w * 7 + 7));
  return (
    <View role="table" aria-label="Month" style={[styles.grid, { borderColor: colors.border }]} testID="calendar-month">
      <View role="row" style={styles.gridRow}>
        {WEEKDAYS.map((d) => (
          <Text key={d} role="columnheader" style={[styles.gridHead, { color: colors.textMuted }]}>
            {d}
          </Text>
        ))}
      </View>
      {weeks.map((week) => (
        <View key={week[0]} role="row" style={styles.gridRow}>
          {week.map((day) => {
            const list = props.byDay.get(day) ?? [];
            const inMonth = day.startsWith(props.month);
            return (
              <View key={day} role="cell" style={[styles.cell, { borderColor: colors.border, backgroundColor: inMonth ? colors.surface : colors.surfaceAlt }]}>
                <Pressable role="button" accessibilityLabel={`${dayLabelOf(day)}: ${list.length} event${list.length === 1 ? '' : 's'}, show the week`} onPress={() => props.onDay(day)}>
                  <Text style={[styles.cellDay, { color: day === props.today ? colors.link : inMonth ? colors.text : colors.textMuted }, day === props.today && styles.bold]}>
                    {Number(day.slice(8))}
                  </Text>
                </Pressable>
                {list.slice(0, 2).map((event) => (
                  <Pressable key={`${event.id}:${event.start}`} role="button" accessibilityLabel={`${event.title}, ${dayLabelOf(day)}`} onPress={() => props.onOpen(event)} testID="calendar-event">
                    <Text numberOfLines={1} style={[styles.chip, { color: colors.agents['@cal'].text, backgroundColor: colors.agents['@cal'].background }]}>
                      {event.title}
                    </Text>
                  </Pressable>
                ))}
                {list.length > 2 ? <Text style={[styles.more, { color: colors.textMuted }]}>+{list.length - 2} more</Text> : null}
              </View>
            );
          })}
        </View>
      ))}
    </View>
  );
}

function Subscribe() {
  const { colors } = useTheme();
  const feed = useNewFeedUrl();
  return (
    <Card style={styles.subscribe}>
      <Heading level={2}>Subscribe elsewhere</Heading>
      <Muted style={styles.lead}>A private link for Apple Calendar, Outlook or Google Calendar. Making a new link stops the old one.</Muted>
      {feed.error ? <Notice>{errorMessage(feed.error)}</Notice> : null}
      {feed.data ? (
        <Text selectable style={[styles.url, { color: colors.text, backgroundColor: colors.surfaceAlt }]}>
          {feed.data}
        </Text>
      ) : null}
      <Button label={feed.data ? 'Make a new link' : 'Get subscription link'} variant="secondary" compact busy={feed.isPending} onPress={() => feed.mutate()} style={styles.start} />
    </Card>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 960, width: '100%', alignSelf: 'center' },
  header: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center', gap: 8 },
  title: { marginBottom: 0, flexShrink: 1 },
  toolbar: { flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'space-between', gap: 8, marginTop: 10, marginBottom: 10 },
  segments: { flexDirection: 'row', gap: 6, flexWrap: 'wrap' },
  segment: { borderWidth: 1, borderRadius: 8, paddingHorizontal: 12, paddingVertical: 6, minHeight: 36, justifyContent: 'center' },
  lead: { marginTop: 4, marginBottom: 16 },
  day: { marginBottom: 12 },
  dayTitle: { fontSize: 16, fontWeight: '700', marginBottom: 8 },
  eventPress: { borderRadius: 12, marginBottom: 8 },
  event: { marginBottom: 0 },
  time: { fontSize: 13, marginBottom: 2 },
  eventTitle: { fontSize: 16, fontWeight: '600' },
  grid: { borderWidth: 1, borderRadius: 8, overflow: 'hidden', marginBottom: 12 },
  gridRow: { flexDirection: 'row' },
  gridHead: { flex: 1, textAlign: 'center', fontSize: 12, fontWeight: '700', paddingVertical: 6 },
  cell: { flex: 1, minHeight: 78, borderTopWidth: StyleSheet.hairlineWidth, borderLeftWidth: StyleSheet.hairlineWidth, padding: 3, gap: 2, minWidth: 0 },
  cellDay: { fontSize: 13, paddingHorizontal: 2 },
  bold: { fontWeight: '800' },
  chip: { fontSize: 11, borderRadius: 4, paddingHorizontal: 3, paddingVertical: 1, overflow: 'hidden' },
  more: { fontSize: 11 },
  subscribe: { marginTop: 16 },
  url: { padding: 10, borderRadius: 8, marginBottom: 10, fontSize: 13 },
  start: { alignSelf: 'flex-start' },
});
