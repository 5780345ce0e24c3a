import { ChatScreen } from '@/features/messages/chat-screen';

export default function Route() {
  return <ChatScreen />;
}
