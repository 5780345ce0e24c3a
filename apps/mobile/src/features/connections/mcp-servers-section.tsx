import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { CreateMcpServerBody, type McpServer } from '@lifeos/contract';
import { errorMessage } from '@/lib/api-client';
import { openExternalUrl } from '@/lib/open-url';
import { useConfirm } from '@/ui/dialog';
import { apiFieldErrors, zodFieldErrors, type FormErrors } from '@/features/auth/form-errors';
import { Button, Card, Heading, Loading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useAddMcpServer, useMcpServers, useMcpSignIn, useRefreshMcpServer, useRemoveMcpServer } from './mcp-servers.queries';

/** How a sign-in ended, from the redirect back to the app (`provider=mcp&status=…&reason=…`). */
export type McpSignInOutcome = { status?: string | undefined; reason?: string | undefined; server?: string | undefined };

function signInFailure(reason: string | undefined): string {
  if (reason === 'access_denied') return 'Not signed in: access was not granted.';
  if (reason === 'invalid_state') return 'Not signed in: the request expired or was already used. Please try again.';
  if (reason === 'browser_mismatch') return 'Not signed in: the sign-in was finished in a different browser from the one it was started in. Start again from this device.';
  return 'Not signed in to the MCP server. Please try again.';
}

/** MCP servers whose tools the assistant may use: add (name, URL, optional token), sign in where the server uses OAuth, list with tools, remove. */
export function McpServersSection({ outcome }: { outcome?: McpSignInOutcome } = {}) {
  const servers = useMcpServers();
  const signedInTo = outcome?.status === 'connected' ? servers.data?.find((s) => s.id === outcome.server) : undefined;
  return (
    <View>
      <Heading level={2} style={styles.section}>MCP servers</Heading>
      <Muted style={styles.lead}>
        Tools from other MCP servers for the assistant. Read-only tools run when the assistant needs them; anything that changes something waits for
        your confirmation in the chat.
      </Muted>
      {outcome?.status === 'connected' ? <Notice tone="success">{signedInTo ? `Signed in to ${signedInTo.name}.` : 'Signed in to the MCP server.'}</Notice> : null}
      {outcome?.status === 'error' ? <Notice>{signInFailure(outcome.reason)}</Notice> : null}
      {servers.error ? <Notice>{errorMessage(servers.error)}</Notice> : null}
      {servers.isPending ? <Loading label="Loading MCP servers" /> : null}
      {servers.data?.map((server) => <McpServerRow key={server.id} server={server} />)}
      <AddMcpServerForm />
    </View>
  );
}

function McpServerRow({ server }: { server: McpServer }) {
  const { colors } = useTheme();
  const remove = useRemoveMcpServer();
  const refresh = useRefreshMcpServer();
  const signIn = useMcpSignIn();
  const confirm = useConfirm();
  const needsSignIn = server.oauth?.signedIn === false;
  async function confirmRemove() {
    if (await confirm({ title: 'Remove this MCP server?', message: `${server.name} — its token is erased and the assistant stops using its tools.`, confirmLabel: 'Remove', destructive: true })) {
      remove.mutate(server.id);
    }
  }
  return (
    <Card style={styles.row}>
      <View style={styles.fill}>
        <Text style={[styles.name, { color: colors.text }]}>{server.name}</Text>
        <Muted>
          {server.url} ·{' '}
          <Text style={{ color: server.status === 'ok' ? colors.success : colors.danger }}>
            {needsSignIn ? 'Sign-in needed' : server.status === 'ok' ? 'Working' : 'Needs attention'}
          </Text>
          {server.oauth?.signedIn ? ' · signed in with OAuth' : ''}
        </Muted>
        {server.statusDetail ? <Muted>{server.statusDetail}</Muted> : null}
        {server.tools.length === 0 && !needsSignIn ? <Muted>No tools offered.</Muted> : null}
        {server.tools.map((tool) => (
          <Text key={tool.name} style={[styles.tool, { color: colors.text }]}>
            • {tool.name}
            {tool.readOnly ? '' : ' (asks first)'}
            {tool.description ? <Text style={{ color: colors.textMuted }}> — {tool.description}</Text> : null}
          </Text>
        ))}
        {remove.error ? <Notice>{errorMessage(remove.error)}</Notice> : null}
        {refresh.error ? <Notice>{errorMessage(refresh.error)}</Notice> : null}
        {signIn.error ? <Notice>{errorMessage(signIn.error)}</Notice> : null}
      </View>
      <View style={styles.actions}>
        {needsSignIn ? (
          <Button
            label="Sign in"
            compact
            busy={signIn.isPending}
            onPress={() => signIn.mutate(server.id, { onSuccess: (url) => void (url ? openExternalUrl(url) : undefined) })}
            accessibilityLabel={`Sign in to ${server.name}`}
          />
        ) : null}
        <Button label="Refresh" variant="secondary" compact busy={refresh.isPending} onPress={() => refresh.mutate(server.id)} accessibilityLabel={`Refresh the tools of ${server.name}`} />
        <Button label="Remove" variant="danger" compact busy={remove.isPending} onPress={() => void confirmRemove()} accessibilityLabel={`Remove ${server.name}`} />
      </View>
    </Card>
  );
}

type Draft = { name: string; url: string; token: string };
const EMPTY: Draft = { name: '', url: '', token: '' };

function AddMcpServerForm() {
  const add = useAddMcpServer();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FormErrors>({});
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  function submit() {
    const parsed = CreateMcpServerBody.safeParse({ name: draft.name, url: draft.url.trim(), ...(draft.token.trim() ? { token: draft.token.trim() } : {}) });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    add.mutate(parsed.data, {
      onSuccess: () => setDraft(EMPTY),
      onError: (error) => setErrors(apiFieldErrors(error)),
    });
  }

  return (
    <Card>
      {add.error ? <Notice>{errorMessage(add.error)}</Notice> : null}
      {add.isSuccess ? (
        <Notice tone="success">{add.data.signInUrl ? 'MCP server added. It uses a sign-in: press Sign in on it to use its tools.' : 'MCP server added.'}</Notice>
      ) : null}
      <TextField label="Name" value={draft.name} onChangeText={set('name')} placeholder="e.g. GitHub" error={errors.name} />
      <TextField label="Server URL" value={draft.url} onChangeText={set('url')} autoCapitalize="none" inputMode="url" placeholder="https://mcp.example.com/mcp" error={errors.url} />
      <TextField
        label="Token (optional)"
        value={draft.token}
        onChangeText={set('token')}
        secureTextEntry
        autoCapitalize="none"
        autoComplete="off"
        hint="Sent as a bearer token; stored encrypted and never shown again."
        error={errors.token}
      />
      <Button label="Add MCP server" onPress={submit} busy={add.isPending} />
    </Card>
  );
}

const styles = StyleSheet.create({
  section: { marginTop: 12 },
  lead: { marginBottom: 12 },
  row: { flexDirection: 'row', alignItems: 'flex-start', gap: 12 },
  fill: { flex: 1 },
  name: { fontSize: 16, fontWeight: '600' },
  tool: { marginTop: 4 },
  actions: { gap: 8 },
});
