import { SettingsScreen } from '@/features/shell/settings-screen';

export default function Route() {
  return <SettingsScreen />;
}
