import { onlineManager, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { AppState, Platform } from 'react-native';
import { useApi } from '@/lib/api-context';
import type { Message } from '@lifeos/contract';
import { newClientId } from '@/lib/ids';
import { loadPersisted, savePersisted } from '@/lib/persisted';
import { openEventStream } from '@/lib/sse/event-stream';
import { calendarKeys } from '@/features/calendar/calendar.queries';
import { memoryKeys } from '@/features/memories/memories.queries';
import { LiveSync, type LiveSyncState } from './live-sync';
import { messageKeys, newestMessageId, postMessage, removeMessage, upsertMessages } from './messages.queries';
import { Outbox, OutboxItems, type OutboxItem } from './outbox';
import { StreamingReplies, type StreamingReply } from './streaming-replies';

const OUTBOX_KEY = 'lifeos.outbox';

type Messaging = { outbox: Outbox; streaming: StreamingReplies; liveState: LiveSyncState };
const MessagingContext = createContext<Messaging | null>(null);

/** The signed-in user's chat plumbing: outbox (offline queue), live stream, replies being written. */
export function MessagingProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [liveState, setLiveState] = useState<LiveSyncState>('connecting');
  const [streaming] = useState(() => new StreamingReplies());
  const [outbox] = useState(
    () =>
      new Outbox({
        load: () => loadPersisted(OUTBOX_KEY, OutboxItems, []),
        save: (items) => savePersisted(OUTBOX_KEY, items),
        send: (message) => postMessage(api, message),
        onDelivered: (pair) => receive([pair.message, pair.reply]),
        isOnline: () => onlineManager.isOnline(),
        newId: newClientId,
      }),
  );

  function receive(messages: Message[]) {
    upsertMessages(queryClient, messages);
    for (const message of messages) streaming.complete(message.id);
    // What an agent changed shows on its screen without a manual refresh.
    const agents = new Set(messages.filter((m) => m.role === 'assistant').map((m) => m.agentName));
    if (agents.has('@cal')) void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
    if (agents.has('@mem')) void queryClient.invalidateQueries({ queryKey: memoryKeys.all });
  }

  useEffect(() => {
    const live = new LiveSync({
      api,
      open: openEventStream,
      onMessage: (message) => receive([message]),
      onDelta: (delta) => streaming.append(delta),
      onDeleted: (id) => removeMessage(queryClient, id),
      initialLastEventId: () => newestMessageId(queryClient),
      onResumeWithoutId: () => void queryClient.invalidateQueries({ queryKey: messageKeys.list() }),
      onState: setLiveState,
    });
    live.start();
    const stopOnline = onlineManager.subscribe((online) => {
      if (!online) return;
      live.reconnectNow();
      void outbox.flush();
    });
    // Native apps lose their connections in the background: close, and resume
    // with Last-Event-ID when back in front.
    const appState =
      Platform.OS === 'web'
        ? null
        : AppState.addEventListener('change', (state) => {
            if (state === 'active') {
              live.start();
              void outbox.flush();
            } else if (state === 'background') {
              live.stop();
              streaming.clear();
            }
          });
    return () => {
      live.stop();
      stopOnline();
      appState?.remove();
      // Signed out: what this user typed must not be sent for the next one.
      if (api.getStatus() === 'signedOut') outbox.clear();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, queryClient, outbox, streaming]);

  return <MessagingContext.Provider value={{ outbox, streaming, liveState }}>{children}</MessagingContext.Provider>;
}

export function useMessaging(): Messaging {
  const value = useContext(MessagingContext);
  if (!value) throw new Error('useMessaging needs a MessagingProvider');
  return value;
}

export function useOutboxItems(): OutboxItem[] {
  const { outbox } = useMessaging();
  return useSyncExternalStore(outbox.subscribe, outbox.getItems, outbox.getItems);
}

export function useStreamingReplies(): StreamingReply[] {
  const { streaming } = useMessaging();
  return useSyncExternalStore(streaming.subscribe, streaming.getSnapshot, streaming.getSnapshot);
}
