import AsyncStorage from '@react-native-async-storage/async-storage';
import type * as z from 'zod';

/** Loads a persisted value; missing, unreadable or outdated data yields the fallback. */
export async function loadPersisted<T>(key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  try {
    const raw = await AsyncStorage.getItem(key);
    if (raw === null) return fallback;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export async function savePersisted<T>(key: string, value: T): Promise<void> {
  await AsyncStorage.setItem(key, JSON.stringify(value));
}

export async function removePersisted(key: string): Promise<void> {
  await AsyncStorage.removeItem(key);
}
