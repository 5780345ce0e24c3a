import { DevicesScreen } from '@/features/devices/devices-screen';

export default function Route() {
  return <DevicesScreen />;
}
