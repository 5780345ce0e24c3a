import { AccountScreen } from '@/features/account/account-screen';

export default function Route() {
  return <AccountScreen />;
}
