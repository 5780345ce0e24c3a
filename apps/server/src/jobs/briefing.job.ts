// The daily briefings: once a minute for the whole cluster, each user whose chosen
// local time has come gets theirs (once per local day, see briefing.service.ts).
import type { AppContext } from '../context.ts';
import { sendDueBriefings } from '../features/briefing/briefing.service.ts';
import type { JobDefinition } from './job-runner.ts';

export const briefingJob: JobDefinition = {
  name: 'lifeos.briefing',
  cron: '* * * * *',
  run: (ctx: AppContext) => sendDueBriefings(ctx),
};
