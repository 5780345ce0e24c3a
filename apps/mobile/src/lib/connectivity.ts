// Type-checking entry: the bundlers pick connectivity.native.ts or connectivity.web.ts.
export { subscribeConnectivity } from './connectivity.native';
