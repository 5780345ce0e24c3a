import { MemoriesScreen } from '@/features/memories/memories-screen';

export default function Route() {
  return <MemoriesScreen />;
}
