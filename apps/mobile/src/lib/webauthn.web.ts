import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

/** Whether this browser can create and use passkeys (WebAuthn, on a secure page). */
export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

/** The browser's attestation (RegistrationResponseJSON) for the server's creation options. */
export async function createPasskey(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  return { ...(await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON })) };
}

/** The browser's assertion (AuthenticationResponseJSON) for the server's request options. */
export async function getPasskey(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  return { ...(await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON })) };
}
