/** Opens a page outside the app (e.g. Google's consent screen); it redirects back. */
export async function openExternalUrl(url: string): Promise<void> {
  window.location.assign(url);
}
