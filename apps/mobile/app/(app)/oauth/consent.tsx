import { ConsentScreen } from '@/features/oauth/consent-screen';

export default function Route() {
  return <ConsentScreen />;
}
