import { ApiError, errorMessage } from './api-client';

/**
 * A sentence for what went wrong in a passkey ceremony: the browser's
 * WebAuthn errors (by name: a DOMException, or @simplewebauthn/browser's
 * WebAuthnError which keeps the cause's name) or the server's answer.
 */
export function passkeyErrorMessage(error: unknown, during: 'add' | 'signIn'): string {
  if (error instanceof ApiError) {
    if (during === 'signIn' && error.code === 'invalid_credentials') return 'This passkey could not sign you in. It may have been removed from your account; sign in with your password instead.';
    return errorMessage(error);
  }
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    // Cancelled in the browser's dialog, timed out, or no passkey chosen.
    case 'NotAllowedError':
    case 'AbortError':
      return during === 'add' ? 'No passkey was added: the request was cancelled or timed out.' : 'Signing in with a passkey was cancelled or timed out.';
    case 'InvalidStateError':
      return 'This device already holds a passkey for your account.';
    case 'SecurityError':
      return 'Passkeys do not work on this address. Open LifeOS at the address the server was set up with (APP_URL).';
    case 'NotSupportedError':
      return 'This browser or device cannot use passkeys.';
    default:
      return errorMessage(error);
  }
}
