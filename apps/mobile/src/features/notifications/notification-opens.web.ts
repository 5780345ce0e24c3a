// Web: the service worker (public/sw.js) opens a clicked notification's URL,
// `/?message=<id>`, by navigating a LifeOS window. A window it does not control
// (opened before the worker) gets a `lifeos.open` message instead and moves itself.
import { useEffect } from 'react';
import { messageIdOf } from './notification-data';

export function useNotificationOpens(open: (messageId: string | null) => void): void {
  useEffect(() => {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; url?: unknown; messageId?: unknown } | null;
      if (!data || data.type !== 'lifeos.open') return;
      open(messageIdOf(data));
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [open]);
}
