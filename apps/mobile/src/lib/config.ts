import Constants from 'expo-constants';
import { Platform } from 'react-native';

const DEV_SERVER_PORT = 3001;

/**
 * Where the API lives. The web build is served by the API server, so it uses the
 * same origin. Native builds read EXPO_PUBLIC_API_URL; in development without it,
 * Expo Go on a phone reaches the server on the machine that serves the bundle.
 */
export function resolveApiUrl(): string {
  const configured = process.env.EXPO_PUBLIC_API_URL;
  if (configured) return configured;
  if (Platform.OS === 'web') return '/api';
  const host = Constants.expoConfig?.hostUri?.split(':')[0];
  if (__DEV__ && host) return `http://${host}:${DEV_SERVER_PORT}/api`;
  return `http://localhost:${DEV_SERVER_PORT}/api`;
}
