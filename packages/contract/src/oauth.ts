// LifeOS's OAuth authorization server, as the app sees it: the consent screen
// and the list of connected MCP clients (the OAuth endpoints themselves speak
// the OAuth wire format, RFC 6749 / 7591 / 7009 / 8414).
import * as z from 'zod';

export const OAuthConsentRequest = z
  .object({
    id: z.uuid(),
    client: z.object({
      name: z.string(),
      redirectHost: z.string(),
      /** The host that publishes the client's metadata document (its client_id is that URL); null for a registered client. */
      host: z.string().nullable().optional(),
    }),
    scopes: z.array(z.string()),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'OAuthConsentRequest' });
export type OAuthConsentRequest = z.infer<typeof OAuthConsentRequest>;

export const OAuthConsentRequestResponse = z.object({ request: OAuthConsentRequest });
export const OAuthDecisionBody = z.object({ approve: z.boolean() });
export const OAuthDecisionResponse = z.object({ redirectTo: z.string() });

export const OAuthGrant = z
  .object({
    id: z.uuid(),
    clientName: z.string(),
    /** As `client.host` of the consent request. */
    clientHost: z.string().nullable().optional(),
    scopes: z.array(z.string()),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'OAuthGrant' });
export type OAuthGrant = z.infer<typeof OAuthGrant>;
export const OAuthGrantList = z.object({ grants: z.array(OAuthGrant) });
