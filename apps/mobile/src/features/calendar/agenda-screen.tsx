import { useFocusEffect } from 'expo-router';
import { useCallback, useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import { formatDay, formatTime } from '@/lib/format';
import { useMe } from '@/features/auth/auth.queries';
import { Button, Card, Heading, Loading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { agendaRange, groupByDay } from './agenda';
import { useCalendarEvents, useNewFeedUrl } from './calendar.queries';

const DAYS = 14;

/** The coming two weeks, day by day. */
export function AgendaScreen() {
  const { colors } = useTheme();
  const me = useMe();
  const timeZone = me.data?.timezone;
  const [range, setRange] = useState(() => agendaRange(new Date(), DAYS));
  const events = useCalendarEvents(range.from, range.to);

  // A new day since the screen was last shown moves the window.
  useFocusEffect(
    useCallback(() => {
      const next = agendaRange(new Date(), DAYS);
      setRange((current) => (current.from === next.from ? current : next));
    }, []),
  );

  const days = groupByDay(events.data ?? [], timeZone);
  return (
    <ScrollView contentContainerStyle={styles.content}>
      <View style={styles.header}>
        <Heading style={styles.title}>Agenda</Heading>
        <Button label="Refresh" compact variant="secondary" busy={events.isFetching} onPress={() => void events.refetch()} />
      </View>
      <Muted style={styles.lead}>The next {DAYS} days. Add events with "@cal" in the chat.</Muted>
      {events.error ? <Notice>{errorMessage(events.error)}</Notice> : null}
      {events.isPending ? <Loading label="Loading events" /> : null}
      {!events.isPending && days.length === 0 ? (
        <Card>
          <Text style={{ color: colors.text }}>Nothing planned. Try “@cal lunch with Sam tomorrow at 12:30”.</Text>
        </Card>
      ) : null}
      {days.map(({ day, events: list }) => (
        <View key={day} style={styles.day} testID="agenda-day">
          <Text role="heading" aria-level={2} style={[styles.dayTitle, { color: colors.text }]}>
            {formatDay(`${day}T12:00:00.000Z`, 'UTC')}
          </Text>
          {list.map((event) => (
            <Card key={event.id} style={styles.event}>
              <Text style={[styles.time, { color: colors.textMuted }]}>
                {event.allDay ? 'All day' : `${formatTime(event.start, timeZone)} – ${formatTime(event.end, timeZone)}`}
              </Text>
              <Text style={[styles.eventTitle, { color: colors.text }]} testID="agenda-event-title">
                {event.title}
              </Text>
              {event.location ? <Muted>{event.location}</Muted> : null}
              {event.notes ? <Muted style={styles.notes}>{event.notes}</Muted> : null}
            </Card>
          ))}
        </View>
      ))}
      <Subscribe />
    </ScrollView>
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
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  header: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center' },
  title: { marginBottom: 0 },
  lead: { marginTop: 4, marginBottom: 16 },
  day: { marginBottom: 12 },
  dayTitle: { fontSize: 16, fontWeight: '700', marginBottom: 8 },
  event: { marginBottom: 8 },
  time: { fontSize: 13, marginBottom: 2 },
  eventTitle: { fontSize: 16, fontWeight: '600' },
  notes: { marginTop: 4 },
  subscribe: { marginTop: 16 },
  url: { padding: 10, borderRadius: 8, marginBottom: 10, fontSize: 13 },
  start: { alignSelf: 'flex-start' },
});
