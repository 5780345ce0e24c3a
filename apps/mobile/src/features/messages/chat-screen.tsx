import { useRef } from 'react';
import { KeyboardAvoidingView, Platform, Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import type { Agent, Message } from '@lifeos/contract';
import { useMe } from '@/features/auth/auth.queries';
import { useAgents } from '@/features/agents/agents.queries';
import { Button, Heading, Loading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { buildChatItems } from './chat-items';
import { Composer, type ComposerHandle } from './composer';
import { MessageList } from './message-list';
import { flattenPages, useMessages } from './messages.queries';
import { useMessaging, useOutboxItems, useStreamingReplies } from './messaging-provider';

/** The unified chat: one history with every agent, and the composer. */
export function ChatScreen() {
  const messages = useMessages();
  const agents = useAgents();
  const me = useMe();
  const { outbox } = useMessaging();
  const outboxItems = useOutboxItems();
  const streaming = useStreamingReplies();
  const composer = useRef<ComposerHandle>(null);

  const history = flattenPages(messages.data);
  const items = buildChatItems({ messages: history, outbox: outboxItems, streaming, now: Date.now() });

  // An agent that failed: ask again with the message it was answering.
  function retryMessage(reply: Message) {
    const replyTo = reply.metadata?.replyTo;
    const index = history.findIndex((m) => m.id === reply.id);
    const question =
      history.find((m) => m.id === replyTo && m.role === 'user') ?? history.slice(index + 1).find((m) => m.role === 'user');
    if (question) void outbox.enqueue(question.content);
  }

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
        items={items}
        hasOlder={messages.hasNextPage}
        loadingOlder={messages.isFetchingNextPage}
        onLoadOlder={() => void messages.fetchNextPage()}
        onRetryMessage={retryMessage}
        onRetryOutbox={(clientId) => void outbox.retry(clientId)}
        onDiscardOutbox={(clientId) => outbox.discard(clientId)}
        timeZone={me.data?.timezone}
      />
    );

  return (
    <KeyboardAvoidingView style={styles.fill} behavior={Platform.OS === 'ios' ? 'padding' : undefined} keyboardVerticalOffset={0}>
      <View style={styles.column}>
        <View style={styles.fill}>{body}</View>
        <Composer ref={composer} agents={agents.data ?? []} onSend={(text) => void outbox.enqueue(text)} />
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
  center: { flex: 1, justifyContent: 'center', padding: 24, gap: 12 },
  welcome: { padding: 20 },
  welcomeLead: { marginBottom: 16 },
  agent: { borderWidth: 1, borderRadius: 12, padding: 14, marginBottom: 12, gap: 4 },
  agentName: { fontWeight: '700', fontSize: 15 },
  examples: { flexDirection: 'row', flexWrap: 'wrap', gap: 8, marginTop: 8 },
  example: { borderWidth: 1, borderRadius: 999, paddingHorizontal: 12, paddingVertical: 6 },
});
