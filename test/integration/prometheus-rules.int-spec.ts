import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LienthongMetrics } from '@lienthong/observability';

const PROMETHEUS_DIR = 'deploy/prometheus';
const ALERTS = join(PROMETHEUS_DIR, 'alerts.yml');
const ALERT_TESTS = join(PROMETHEUS_DIR, 'alerts.test.yml');
const SCRAPE_CONFIG = join(PROMETHEUS_DIR, 'prometheus.yml');
const DASHBOARD = 'deploy/grafana/dashboards/lienthong.json';
const DATASOURCE = 'deploy/grafana/provisioning/datasources/prometheus.yaml';
const DASHBOARD_PROVIDER = 'deploy/grafana/provisioning/dashboards/lienthong.yaml';
const OPERATIONS_DOC = 'docs/operations.md';

const PROMTOOL_MISSING =
  'promtool is not on PATH. It comes with the Prometheus tools: on Debian or Ubuntu run ' +
  '`apt-get install prometheus` (as root; the service it installs need not run). See README "Quick start".';

/** Runs promtool; fails the test (never skips it) when promtool is not installed. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  if (result.error && 'code' in result.error && result.error.code === 'ENOENT')
    throw new Error(PROMTOOL_MISSING);
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const alertNames = (): string[] =>
  [...readFileSync(ALERTS, 'utf8').matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1]!);

/** Each `- eval_time:` block of the promtool tests: which alert, and whether it expects it firing. */
function alertCases(): { alertname: string; firing: boolean }[] {
  return readFileSync(ALERT_TESTS, 'utf8')
    .split(/^\s*- eval_time: /m)
    .slice(1)
    .map((block) => {
      const alertname = /^\s*alertname: (\S+)$/m.exec(block)?.[1];
      if (!alertname) throw new Error(`an eval_time block without alertname: ${block.slice(0, 80)}`);
      const none = /^\s*exp_alerts: \[\]\s*$/m.test(block);
      return { alertname, firing: !none };
    });
}

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: unknown; current?: { value: unknown } }[] };
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

/** Grafana variables replaced by what they expand to, so the result is plain PromQL. */
function expandGrafanaVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replace(/\$(\w+)/g, '.*');
}

/** Every metric family Lienthong exposes, with each watched source attached. */
async function exposedFamilies(): Promise<Set<string>> {
  const metrics = new LienthongMetrics();
  metrics.watchRegistry({
    isCaughtUp: () => true,
    recordsApplied: () => 0,
    typeCount: () => 0,
    versionCounts: () => ({}),
  });
  metrics.watchConsumerLag({ lag: () => Promise.resolve([]) });
  metrics.watchKafka(() => Promise.resolve(true));
  metrics.watchSigningKey(() => ({ kid: 'k', createdAtMs: 0 }));
  const text = await metrics.text();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

/** Metric names a PromQL text refers to (`lienthong_*`), without histogram suffixes. */
function referencedFamilies(promql: string, families: Set<string>): string[] {
  return [...promql.matchAll(/\blienthong_[a-z0-9_]+/g)].map((m) => {
    const name = m[0];
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return families.has(name) ? name : base;
  });
}

describe('deploy/prometheus with the real promtool', () => {
  it('has a valid scrape configuration (which loads the alert rules)', () => {
    const result = promtool('check', 'config', SCRAPE_CONFIG);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('has valid alert rules', () => {
    const result = promtool('check', 'rules', ALERTS);
    expect(result.output).toContain(`SUCCESS: ${alertNames().length} rules found`);
    expect(result.status).toBe(0);
  });

  it('passes the alert unit tests', () => {
    const result = promtool('test', 'rules', ALERT_TESTS);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('tests every alert both firing and not firing', () => {
    const cases = alertCases();
    const names = alertNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'LienthongGatewayDown',
        'LienthongErrorRatioHigh',
        'LienthongPublishLatencyHigh',
        'LienthongConsumerLagGrowing',
        'LienthongDeadLetters',
        'LienthongKafkaUnavailable',
        'LienthongRegistryNotCaughtUp',
      ]),
    );
    for (const name of names) {
      expect({ name, firing: cases.some((c) => c.alertname === name && c.firing) }).toEqual({
        name,
        firing: true,
      });
      expect({ name, quiet: cases.some((c) => c.alertname === name && !c.firing) }).toEqual({
        name,
        quiet: true,
      });
    }
    for (const c of cases) expect(names).toContain(c.alertname);
  });

  it('gives every alert a runbook section in docs/operations.md', () => {
    const doc = readFileSync(OPERATIONS_DOC, 'utf8');
    const rules = readFileSync(ALERTS, 'utf8');
    for (const name of alertNames()) {
      expect(rules).toContain(`runbook: docs/operations.md#${name.toLowerCase()}`);
      expect(doc).toMatch(new RegExp(`^#{2,4} ${name}$`, 'm'));
    }
  });

  it('refers only to metrics Lienthong exposes', async () => {
    const families = await exposedFamilies();
    const rules = readFileSync(ALERTS, 'utf8');
    const referenced = referencedFamilies(rules, families);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(families).toContain(name);
  });
});

describe('deploy/grafana dashboard', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'lienthong-dashboard-'));

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('is a dashboard Grafana provisioning can load', () => {
    const board = dashboard();
    expect(board.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(board.title).toBe('Lienthong');
    expect(board.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = board.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of board.panels) {
      expect(panel.gridPos).toEqual({
        h: expect.any(Number),
        w: expect.any(Number),
        x: expect.any(Number),
        y: expect.any(Number),
      });
      expect(panel.gridPos!.x + panel.gridPos!.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    // The default datasource is the provisioned one, and the provider points at a folder of JSON files.
    const uid = /^\s*uid: (\S+)$/m.exec(readFileSync(DATASOURCE, 'utf8'))?.[1];
    expect(uid).toBe('lienthong-prometheus');
    const variable = board.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus', current: { value: uid } });
    const provider = readFileSync(DASHBOARD_PROVIDER, 'utf8');
    expect(provider).toMatch(/^apiVersion: 1$/m);
    expect(provider).toMatch(/^\s*type: file$/m);
    expect(provider).toMatch(/^\s*path: \/\S+$/m);
  });

  it('shows RED per type and agency, delivery per subscription, lag and process metrics', () => {
    const exprs = dashboard()
      .panels.flatMap((p) => p.targets ?? [])
      .map((t) => t.expr)
      .join('\n');
    for (const needle of [
      'sum by (type) (rate(lienthong_records_accepted_total',
      'sum by (agency) (rate(lienthong_records_accepted_total',
      'sum by (type, reason) (rate(lienthong_records_rejected_total',
      'lienthong_http_request_duration_seconds_bucket',
      'sum by (subscription, outcome) (rate(lienthong_deliveries_total',
      'lienthong_consumer_lag',
      'lienthong_process_cpu_seconds_total',
      'lienthong_process_resident_memory_bytes',
      'lienthong_nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(exprs).toContain(needle);
    }
  });

  it('has only valid PromQL, on metrics Lienthong exposes (checked by promtool)', async () => {
    const board = dashboard();
    const exprs = board.panels.flatMap((p) => p.targets ?? []).map((t) => expandGrafanaVariables(t.expr));
    const families = await exposedFamilies();
    for (const name of exprs.flatMap((e) => referencedFamilies(e, families)))
      expect(families).toContain(name);
    // Each query as a recording rule: `promtool check rules` parses every expression.
    const rules = [
      'groups:',
      '  - name: dashboard-queries',
      '    rules:',
      ...exprs.flatMap((expr, i) => [
        `      - record: dashboard:query_${i}`,
        `        expr: ${JSON.stringify(expr)}`,
      ]),
    ].join('\n');
    const file = join(workDir, 'dashboard-queries.yml');
    writeFileSync(file, `${rules}\n`);
    const result = promtool('check', 'rules', file);
    expect(result.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(result.status).toBe(0);
  });
});
