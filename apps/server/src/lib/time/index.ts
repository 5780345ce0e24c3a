// Shared time: zoned wall-clock arithmetic, date phrases through chrono with the
// house rules, and the one clock formatter for replies.
export * from './zoned-time.ts';
export { canonicalTimePhrases } from './house-rules.ts';
export { formatClock, timeFormatOf, type TimeFormat } from './format.ts';
export { houseChrono } from './chrono.ts';
