import { Share } from 'react-native';

/** Hands a text file (the data export) to the system share sheet. */
export async function saveTextFile(_fileName: string, text: string): Promise<void> {
  await Share.share({ message: text, title: 'LifeOS export' });
}
