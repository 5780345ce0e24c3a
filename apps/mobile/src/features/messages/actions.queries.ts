import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { ActionResult } from '@lifeos/contract';
import { upsertMessages } from './messages.queries';

export type Decision = 'confirm' | 'cancel';

/** Confirms or cancels an agent's pending action; the agent's report joins the chat. */
export function useDecideAction() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ actionId, decision }: { actionId: string; decision: Decision }) =>
      api.request(`/actions/${encodeURIComponent(actionId)}/${decision}`, { method: 'POST', schema: ActionResult }),
    onSuccess: ({ reply }) => upsertMessages(queryClient, [reply]),
  });
}
