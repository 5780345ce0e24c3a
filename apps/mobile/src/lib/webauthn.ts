// Type-checking entry: the bundlers pick webauthn.native.ts or webauthn.web.ts.
export { createPasskey, getPasskey, passkeysSupported } from './webauthn.native';
