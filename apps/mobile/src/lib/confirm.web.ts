/** Asks before something that cannot be undone. */
export function confirmAsync(title: string, message: string, _confirmLabel: string): Promise<boolean> {
  return Promise.resolve(typeof window === 'undefined' ? false : window.confirm(`${title}\n\n${message}`));
}
