import { useLocalSearchParams, useRouter } from 'expo-router';
import { ChatScreen } from '@/features/messages/chat-screen';

/** `/?message=<id>` (a notification's link) opens the chat at that message. */
export default function Route() {
  const { message } = useLocalSearchParams<{ message?: string }>();
  const router = useRouter();
  return (
    <ChatScreen
      openMessageId={typeof message === 'string' && message ? message : null}
      // Once the chat has it, the link is spent: the same message can be opened again later.
      onMessageOpened={() => router.setParams({ message: undefined })}
    />
  );
}
