// Type-checking entry: the bundlers pick confirm.native.ts or confirm.web.ts.
export { confirmAsync } from './confirm.native';
