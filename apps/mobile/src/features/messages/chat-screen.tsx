import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { KeyboardAvoidingView, Platform, Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import { useApi } from '@/lib/api-context';
import type { Agent, Message } from '@lifeos/contract';
import { useClock } from '@/features/auth/auth.queries';
import { useAgents } from '@/features/agents/agents.queries';
import { useConfirm } from '@/ui/dialog';
import { Button, Heading, Loading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { buildChatItems, withDaySeparators } from './chat-items';
import { Composer, type ComposerHandle } from './composer';
import { MessageList, type MessageListHandle } from './message-list';
import { MessageSearch } from './message-search';
import { deleteMessage, flattenPages, removeMessage, stopReply, useMessages } from './messages.queries';
import { useMessaging, useOutboxItems, useStreamingReplies } from './messaging-provider';

/** How many older pages a search result may pull in to show the message in context. */
const MAX_PAGES_FOR_JUMP = 40;

/**
 * The unified chat: one history with every agent, and the composer. `openMessageId`
 * (a notification's `/?message=<id>`) opens the history at that message, as a search
 * result does; `onMessageOpened` says the chat has taken it.
 */
export function ChatScreen({ openMessageId = null, onMessageOpened }: { openMessageId?: string | null; onMessageOpened?: () => void } = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const messages = useMessages();
  const agents = useAgents();
  const clock = useClock();
  const confirm = useConfirm();
  const { outbox } = useMessaging();
  const outboxItems = useOutboxItems();
  const streaming = useStreamingReplies();
  const composer = useRef<ComposerHandle>(null);
  const list = useRef<MessageListHandle>(null);
  const [searching, setSearching] = useState(false);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [jumpTarget, setJumpTarget] = useState<string | null>(null);

  const history = flattenPages(messages.data);
  const items = withDaySeparators(buildChatItems({ messages: history, outbox: outboxItems, streaming, now: Date.now() }), {
    now: new Date(),
    timeZone: clock.timeZone,
  });

  // A notification's message: shown like a search result.
  useEffect(() => {
    if (!openMessageId) return;
    setSearching(false);
    setNotice(null);
    setJumpTarget(openMessageId);
    onMessageOpened?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per id; the callback may change on every render
  }, [openMessageId]);

  // A search result or a notification: load older pages until the message is there, then show it in place.
  useEffect(() => {
    if (!jumpTarget) return;
    // The first page is not there yet (the chat opened at a notification's message).
    if (!messages.data) return;
    if (history.some((m) => m.id === jumpTarget)) {
      const id = jumpTarget;
      setJumpTarget(null);
      setHighlighted(id);
      // After the rows are drawn.
      setTimeout(() => list.current?.scrollToMessage(id), 50);
      return;
    }
    if (messages.isFetchingNextPage) return;
    if (messages.hasNextPage && messages.data.pages.length < MAX_PAGES_FOR_JUMP) void messages.fetchNextPage();
    else {
      setJumpTarget(null);
      // The whole history is loaded and the message is not in it: deleted (or never yours).
      setNotice(messages.hasNextPage ? 'That message is too far back to show here.' : 'That message is no longer in your history.');
    }
  }, [jumpTarget, history, messages]);

  function send(text: string) {
    void outbox.enqueue(text);
    // Whatever was on screen, the conversation shows what was just sent.
    list.current?.scrollToLatest();
    setHighlighted(null);
  }

  // An agent that failed, or a reply to regenerate: ask again with the message it was answering.
  function retryMessage(reply: Message) {
    const replyTo = reply.metadata?.replyTo;
    const index = history.findIndex((m) => m.id === reply.id);
    const question =
      history.find((m) => m.id === replyTo && m.role === 'user') ?? history.slice(index + 1).find((m) => m.role === 'user');
    if (question) send(question.content);
  }

  async function removeFromHistory(message: Message) {
    const ok = await confirm({
      title: message.role === 'user' ? 'Delete your message?' : 'Delete this reply?',
      message: 'It is removed from your history on every device. This cannot be undone.',
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (!ok) return;
    try {
      await deleteMessage(api, message.id);
      removeMessage(queryClient, message.id);
      setNotice(null);
    } catch (error) {
      setNotice(errorMessage(error));
    }
  }

  const activeReply = streaming.find((reply) => !history.some((m) => m.id === reply.messageId));

  let body;
  if (messages.isPending) body = <Loading label="Loading your conversation" />;
  else if (messages.isError)
    body = (
      <View style={styles.center}>
        <Notice>{errorMessage(messages.error)}</Notice>
        <Button label="Try again" onPress={() => void messages.refetch()} />
      </View>
    );
  else if (items.length === 0) body = <Welcome agents={agents.data ?? []} onExample={(text) => composer.current?.setText(text)} />;
  else
    body = (
      <MessageList
        ref={list}
        items={items}
        hasOlder={messages.hasNextPage}
        loadingOlder={messages.isFetchingNextPage}
        onLoadOlder={() => void messages.fetchNextPage()}
        onRetryMessage={retryMessage}
        onDeleteMessage={(message) => void removeFromHistory(message)}
        onRetryOutbox={(clientId) => void outbox.retry(clientId)}
        onDiscardOutbox={(clientId) => outbox.discard(clientId)}
        clock={clock}
        highlightedId={highlighted}
      />
    );

  return (
    <KeyboardAvoidingView style={styles.fill} behavior={Platform.OS === 'ios' ? 'padding' : undefined} keyboardVerticalOffset={0}>
      <View style={styles.column}>
        {searching ? (
          <MessageSearch
            clock={clock}
            onClose={() => {
              setSearching(false);
              composer.current?.focus();
            }}
            onOpen={(message) => {
              setSearching(false);
              setNotice(null);
              setJumpTarget(message.id);
            }}
          />
        ) : (
          <View style={styles.toolbar}>
            <Button label="Search" variant="ghost" compact onPress={() => setSearching(true)} accessibilityLabel="Search the conversation" testID="chat-search-open" />
          </View>
        )}
        {notice ? (
          <View style={styles.notice}>
            <Notice>{notice}</Notice>
          </View>
        ) : null}
        <View style={styles.fill}>{body}</View>
        <Composer
          ref={composer}
          agents={agents.data ?? []}
          onSend={send}
          onStop={activeReply ? () => void stopReply(api, activeReply.messageId) : undefined}
          autoFocus={Platform.OS === 'web'}
        />
      </View>
    </KeyboardAvoidingView>
  );
}

function Welcome({ agents, onExample }: { agents: Agent[]; onExample(text: string): void }) {
  const { colors } = useTheme();
  return (
    <ScrollView contentContainerStyle={styles.welcome}>
      <Heading>Hello! What's on your mind?</Heading>
      <Muted style={styles.welcomeLead}>Ask anything, or mention an agent with @. Try one of these:</Muted>
      {agents.map((agent) => (
        <View key={agent.name} style={[styles.agent, { borderColor: colors.border, backgroundColor: colors.surface }]}>
          <Text style={[styles.agentName, { color: colors.agents[agent.name].text }]}>{agent.name}</Text>
          <Text style={{ color: colors.text }}>{agent.description}</Text>
          <View style={styles.examples}>
            {agent.examples.slice(0, 2).map((example) => (
              <Pressable
                key={example}
                role="button"
                accessibilityLabel={`Use example: ${example}`}
                onPress={() => onExample(example)}
                style={[styles.example, { borderColor: colors.border, backgroundColor: colors.surfaceAlt }]}
              >
                <Text style={{ color: colors.text }}>{example}</Text>
              </Pressable>
            ))}
          </View>
        </View>
      ))}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1 },
  // Long lines are hard to read on a wide screen: the conversation keeps a column.
  column: { flex: 1, width: '100%', maxWidth: 920, alignSelf: 'center' },
  toolbar: { flexDirection: 'row', justifyContent: 'flex-end', paddingHorizontal: 8, paddingTop: 4 },
  notice: { paddingHorizontal: 12, paddingTop: 8 },
  center: { flex: 1, justifyContent: 'center', padding: 24, gap: 12 },
  welcome: { padding: 20 },
  welcomeLead: { marginBottom: 16 },
  agent: { borderWidth: 1, borderRadius: 12, padding: 14, marginBottom: 12, gap: 4 },
  agentName: { fontWeight: '700', fontSize: 15 },
  examples: { flexDirection: 'row', flexWrap: 'wrap', gap: 8, marginTop: 8 },
  example: { borderWidth: 1, borderRadius: 999, paddingHorizontal: 12, paddingVertical: 6 },
});
