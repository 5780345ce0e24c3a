// docs/grafana-dashboard.json against what GET /metrics really serves: every
// series a panel queries exists, and every LifeOS series has a panel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers/server.ts';

const DASHBOARD = path.join(import.meta.dirname, '../../../docs/grafana-dashboard.json');

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

describe('the Grafana dashboard', () => {
  let server: TestServer;
  let families: Set<string>;
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const queried = (panel: Dashboard['panels'][number]) => panel.targets.flatMap((t) => t.expr.match(/lifeos_\w+/g) ?? []);

  before(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    families = new Set([...(await res.text()).matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
  });
  after(() => server.close());

  it('when a panel queries a series, then the server exports it', () => {
    // A histogram is queried through its _bucket and _count series, a counter by its name.
    const family = (series: string) => series.replace(/_(bucket|count|sum)$/, '');
    for (const panel of dashboard.panels) {
      assert.ok(panel.targets.length > 0, `${panel.title} has no query`);
      for (const series of queried(panel)) assert.ok(families.has(family(series)), `${panel.title}: ${series} is not exported`);
    }
  });

  it('when the server exports a LifeOS series of its own, then a panel shows it', () => {
    const shown = new Set(dashboard.panels.flatMap(queried).map((s) => s.replace(/_(bucket|count|sum)$/, '')));
    // Node's default series are many; the dashboard shows the ones that matter and every series LifeOS defines.
    const own = [...families].filter((f) => f.startsWith('lifeos_') && !/^lifeos_(nodejs|process)_/.test(f));
    assert.ok(own.length >= 7, `expected the LifeOS series, got ${own.join(', ')}`);
    for (const series of own) assert.ok(shown.has(series), `no panel for ${series}`);
  });
});
