import { AgendaScreen } from '@/features/calendar/agenda-screen';

export default function Route() {
  return <AgendaScreen />;
}
