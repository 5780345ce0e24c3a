import AsyncStorage from '@react-native-async-storage/async-storage';
import { OutboxItems } from '@/features/messages/outbox';
import { loadPersisted } from './persisted';

describe('persisted state', () => {
  it('when the stored data no longer fits the schema, then the fallback is used', async () => {
    await AsyncStorage.setItem('lifeos.outbox', JSON.stringify([{ clientId: 'not-a-uuid', content: 42 }]));
    expect(await loadPersisted('lifeos.outbox', OutboxItems, [])).toEqual([]);
  });

  it('when the stored text is not JSON, then the fallback is used', async () => {
    await AsyncStorage.setItem('lifeos.outbox', '{oops');
    expect(await loadPersisted('lifeos.outbox', OutboxItems, [])).toEqual([]);
  });

  it('when the stored data is valid, then it is returned', async () => {
    const items = [{ clientId: '22222222-2222-4222-8222-222222222222', content: 'hi', createdAt: '2026-12-01T12:00:00.000Z', status: 'queued', error: null, attempts: 0 }];
    await AsyncStorage.setItem('lifeos.outbox', JSON.stringify(items));
    expect(await loadPersisted('lifeos.outbox', OutboxItems, [])).toEqual(items);
  });
});
