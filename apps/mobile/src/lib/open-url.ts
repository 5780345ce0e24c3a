// Type-checking entry: the bundlers pick open-url.native.ts or open-url.web.ts.
export { openExternalUrl } from './open-url.native';
