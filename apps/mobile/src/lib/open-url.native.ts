import * as WebBrowser from 'expo-web-browser';

/** Opens a page outside the app (e.g. Google's consent screen). */
export async function openExternalUrl(url: string): Promise<void> {
  await WebBrowser.openBrowserAsync(url);
}
