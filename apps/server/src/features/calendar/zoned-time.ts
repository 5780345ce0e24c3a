// Zoned time moved to lib/time (shared by the calendar, the agents and mail); this keeps old imports working.
export * from '../../lib/time/zoned-time.ts';
