// What a notification points at: the payload's `messageId`, else the message in
// its `url` (`/?message=<id>`). Anything else opens the chat at the newest message.
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function messageIdOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const { messageId, url } = data as { messageId?: unknown; url?: unknown };
  if (typeof messageId === 'string' && MESSAGE_ID.test(messageId)) return messageId;
  if (typeof url === 'string') {
    try {
      const fromUrl = new URL(url, 'http://app.invalid').searchParams.get('message');
      if (fromUrl && MESSAGE_ID.test(fromUrl)) return fromUrl;
    } catch {
      return null;
    }
  }
  return null;
}

/** What stops this device from receiving notifications, in words for the user (permission, build, browser). */
export class PushDeviceError extends Error {
  override name = 'PushDeviceError';
}
