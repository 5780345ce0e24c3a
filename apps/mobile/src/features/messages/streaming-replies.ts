import type { AgentName, MessageDelta } from '@lifeos/contract';

export type StreamingReply = { messageId: string; agentName: AgentName | null; content: string };

/** Replies being written right now (SSE message.delta), until their message.created. */
export class StreamingReplies {
  private replies = new Map<string, StreamingReply>();
  private snapshot: StreamingReply[] = [];
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): StreamingReply[] => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  append(delta: MessageDelta): void {
    const current = this.replies.get(delta.messageId);
    this.replies.set(delta.messageId, {
      messageId: delta.messageId,
      agentName: delta.agentName ?? current?.agentName ?? null,
      content: (current?.content ?? '') + delta.delta,
    });
    this.emit();
  }

  complete(messageId: string): void {
    if (this.replies.delete(messageId)) this.emit();
  }

  clear(): void {
    if (this.replies.size === 0) return;
    this.replies.clear();
    this.emit();
  }

  private emit(): void {
    this.snapshot = [...this.replies.values()];
    for (const listener of this.listeners) listener();
  }
}
