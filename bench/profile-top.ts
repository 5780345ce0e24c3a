// The top self-time frames of V8 CPU profiles (node --cpu-prof), one table per file:
//   node bench/profile-top.ts prof/*.cpuprofile [--top 15]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
const root = path.resolve(import.meta.dirname, '..');

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: the time deltas of the samples that landed in it.
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(root + '/', '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where ? `  ${where}` : ''}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
  }
  console.log(`\n${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('| self % | self ms | frame |\n|---:|---:|---|');
  for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`| ${((100 * us) / total).toFixed(1)} | ${(us / 1000).toFixed(0)} | ${key.replaceAll('|', '\\|')} |`);
  }
}
