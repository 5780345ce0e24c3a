import { useInfiniteQuery, useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import type { ApiClient } from '@/lib/api-client';
import { MessagePage, MessagePair, type Message } from '@lifeos/contract';

export const PAGE_SIZE = 30;

export const messageKeys = {
  all: ['messages'] as const,
  list: () => [...messageKeys.all, 'list'] as const,
};

type Pages = InfiniteData<MessagePage, string | null>;

/** The unified history, newest first; each further page is older (nextCursor). */
export function useMessages() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: messageKeys.list(),
    queryFn: ({ pageParam, signal }) =>
      api.request('/messages', { query: { limit: PAGE_SIZE, before: pageParam }, schema: MessagePage, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    // Live sync keeps the history current; refetching every page on focus would not.
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
}

export function postMessage(api: ApiClient, body: { content: string; clientId: string }): Promise<MessagePair> {
  return api.request('/messages', { method: 'POST', body, schema: MessagePair });
}

const newestFirst = (a: Message, b: Message) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

/**
 * Puts messages that arrived outside paging (a send, the live stream, an action's
 * reply) into the cached history: known ids are updated in place, new ones join
 * the newest page. Cursors of older pages stay valid.
 */
export function upsertMessages(queryClient: QueryClient, messages: Message[]): void {
  queryClient.setQueryData<Pages>(messageKeys.list(), (old) => {
    if (!old) return old;
    const incoming = new Map(messages.map((m) => [m.id, m]));
    const pages = old.pages.map((page) => {
      let changed = false;
      const updated = page.messages.map((m) => {
        const next = incoming.get(m.id);
        if (!next) return m;
        incoming.delete(m.id);
        changed = true;
        return next;
      });
      return changed ? { ...page, messages: updated } : page;
    });
    if (incoming.size > 0 && pages[0]) {
      pages[0] = { ...pages[0], messages: [...pages[0].messages, ...incoming.values()].sort(newestFirst) };
    }
    return { ...old, pages };
  });
}

/** The id of the newest message in the cache: where a live stream resumes. */
export function newestMessageId(queryClient: QueryClient): string | null {
  return queryClient.getQueryData<Pages>(messageKeys.list())?.pages[0]?.messages[0]?.id ?? null;
}

export function flattenPages(data: { pages: MessagePage[] } | undefined): Message[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: Message[] = [];
  for (const page of data.pages) {
    for (const message of page.messages) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      out.push(message);
    }
  }
  return out;
}

/** Drops a deleted message from every cached page (here or on another device). */
export function removeMessage(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<Pages>(messageKeys.list(), (old) => {
    if (!old) return old;
    return { ...old, pages: old.pages.map((page) => (page.messages.some((m) => m.id === id) ? { ...page, messages: page.messages.filter((m) => m.id !== id) } : page)) };
  });
}

export function deleteMessage(api: ApiClient, id: string): Promise<void> {
  return api.request(`/messages/${encodeURIComponent(id)}`, { method: 'DELETE' }).then(() => undefined);
}

/** Stops a reply that is still being written; the stored reply follows over the stream. */
export function stopReply(api: ApiClient, id: string): Promise<void> {
  return api.request(`/messages/${encodeURIComponent(id)}/stop`, { method: 'POST' }).then(
    () => undefined,
    () => undefined,
  );
}

/** GET /api/messages?q=: the user's messages matching the words, newest first. */
export function useMessageSearch(q: string) {
  const api = useApi();
  const query = q.trim();
  return useQuery({
    queryKey: [...messageKeys.all, 'search', query] as const,
    queryFn: ({ signal }) => api.request('/messages', { query: { q: query, limit: 30 }, schema: MessagePage, signal }),
    enabled: query.length > 0,
    staleTime: 30_000,
  });
}
