// Passkeys need the browser's WebAuthn; the native app has no passkey ceremony (yet),
// so the screens hide "add" and "sign in with a passkey" here.

/** Whether this platform can create and use passkeys. */
export function passkeysSupported(): boolean {
  return false;
}

const unsupported = () => Promise.reject(Object.assign(new Error('Passkeys need a web browser'), { name: 'NotSupportedError' }));

/** The browser's attestation (RegistrationResponseJSON) for the server's creation options. */
export function createPasskey(_options: Record<string, unknown>): Promise<Record<string, unknown>> {
  return unsupported();
}

/** The browser's assertion (AuthenticationResponseJSON) for the server's request options. */
export function getPasskey(_options: Record<string, unknown>): Promise<Record<string, unknown>> {
  return unsupported();
}
