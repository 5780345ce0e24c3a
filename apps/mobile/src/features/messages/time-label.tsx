// Type-checking entry: the bundlers pick time-label.native.tsx or time-label.web.tsx.
export { TimeLabel, type TimeLabelProps } from './time-label.native';
