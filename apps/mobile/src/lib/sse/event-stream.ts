// Type-checking entry: the bundlers pick event-stream.native.ts or event-stream.web.ts.
export { openEventStream } from './event-stream.native';
export type { EventStreamHandle, EventStreamOptions } from './event-stream.types';
