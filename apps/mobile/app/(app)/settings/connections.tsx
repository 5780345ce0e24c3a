import { ConnectionsScreen } from '@/features/connections/connections-screen';

export default function Route() {
  return <ConnectionsScreen />;
}
