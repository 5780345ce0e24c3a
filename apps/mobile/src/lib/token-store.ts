// Type-checking entry: the bundlers pick token-store.native.ts or token-store.web.ts.
export { createTokenStore } from './token-store.native';
