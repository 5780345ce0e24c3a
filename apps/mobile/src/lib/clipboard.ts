// Type-checking entry: the bundlers pick clipboard.native.ts or clipboard.web.ts.
export { copyText } from './clipboard.native';
