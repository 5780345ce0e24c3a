import { StyleSheet, Text, View } from 'react-native';
import { useMe } from '@/features/auth/auth.queries';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { Button, Card, Heading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { SCOPE_TEXT } from './consent-screen';
import { useOAuthGrants, useRevokeGrant } from './oauth.queries';
import { listSectionStyles } from '../../ui/list-section';

/** Account section: MCP clients (Claude Desktop, editors) allowed to use this account, each with a Disconnect button. */
export function ConnectedClients() {
  const grants = useOAuthGrants();
  const revoke = useRevokeGrant();
  const me = useMe();
  const { colors } = useTheme();
  return (
    <View style={styles.section}>
      <Heading level={2}>Connected applications</Heading>
      <Muted>Assistants that use your calendar, memories or mail through MCP.</Muted>
      {grants.error ? <Notice>{errorMessage(grants.error)}</Notice> : null}
      {revoke.error ? <Notice>{errorMessage(revoke.error)}</Notice> : null}
      {grants.data?.length === 0 ? <Muted>None yet.</Muted> : null}
      {grants.data?.map((grant) => (
        <Card key={grant.id} style={styles.row}>
          <View style={styles.fill}>
            <Text style={[styles.name, { color: colors.text }]}>
              {grant.clientName}
              {grant.clientHost ? <Text style={{ color: colors.textMuted, fontWeight: '400' }}> · {grant.clientHost}</Text> : null}
            </Text>
            <Muted>{grant.scopes.map((s) => SCOPE_TEXT[s] ?? s).join(' · ')}</Muted>
            <Muted>
              Allowed {formatDateTime(grant.createdAt, me.data?.timezone)}
              {grant.lastUsedAt ? ` · last used ${formatDateTime(grant.lastUsedAt, me.data?.timezone)}` : ''}
            </Muted>
          </View>
          <Button
            label="Disconnect"
            variant="danger"
            compact
            busy={revoke.isPending && revoke.variables === grant.id}
            onPress={() => revoke.mutate(grant.id)}
            accessibilityLabel={`Disconnect ${grant.clientName}`}
          />
        </Card>
      ))}
    </View>
  );
}

const styles = StyleSheet.create({
  ...listSectionStyles,
});
