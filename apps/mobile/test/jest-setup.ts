// Native modules do not exist under Jest: use the libraries' own in-memory stand-ins.
jest.mock('@react-native-async-storage/async-storage', () => require('@react-native-async-storage/async-storage/jest/async-storage-mock'));
jest.mock('@react-native-community/netinfo', () => require('@react-native-community/netinfo/jest/netinfo-mock.js'));
jest.mock('expo-crypto', () => ({ randomUUID: () => require('node:crypto').randomUUID() }));
// No device and no Expo push service here: expo-notifications is programmed per test.
jest.mock('expo-notifications', () => require('./expo-notifications-mock'));
