// Type-checking entry: the bundlers pick message-list.native.tsx or message-list.web.tsx.
export { MessageList } from './message-list.native';
export type { MessageListHandle, MessageListProps } from './chat-row';
