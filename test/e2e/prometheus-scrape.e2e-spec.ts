import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import type { RunningGateway } from '../support/gateway.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { startRouter } from '../support/router.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { freePort } from '../support/free-port.util.js';

const PROMETHEUS_MISSING =
  'prometheus is not on PATH. It comes with the Prometheus tools: on Debian or Ubuntu run ' +
  '`apt-get install prometheus` (as root; the service it installs need not run: this test starts ' +
  'its own server on a free port). See README "Quick start".';

const ALERTS = resolve('deploy/prometheus/alerts.yml');

interface TargetsAnswer {
  status: string;
  data: {
    activeTargets: { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }[];
  };
}

interface QueryAnswer {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

interface RulesAnswer {
  status: string;
  data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
}

/** A real Prometheus server on a free loopback port, storing into a temporary directory. */
class PrometheusServer {
  private process: ChildProcess | undefined;
  private output = '';
  private exited: Promise<number | null> | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'lienthong-prometheus-'));
  url = '';

  async start(config: string): Promise<void> {
    const configFile = join(this.dir, 'prometheus.yml');
    writeFileSync(configFile, config);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const child = spawn(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    const spawned = await new Promise<Error | undefined>((resolveSpawn) => {
      child.once('spawn', () => resolveSpawn(undefined));
      child.once('error', (error) => resolveSpawn(error));
    });
    if (spawned) {
      this.process = undefined;
      throw 'code' in spawned && spawned.code === 'ENOENT' ? new Error(PROMETHEUS_MISSING) : spawned;
    }
    await pollUntil(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`prometheus exited with ${child.exitCode}: ${this.output}`);
        return (await fetch(`${this.url}/-/ready`).catch(() => undefined))?.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'prometheus ready' },
    );
  }

  async api<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** SIGTERM, then waits for the exit; SIGKILL if it does not stop within 10 s. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return this.output;
  }
}

describe('a real Prometheus server scraping the gateway and the router', () => {
  let gateway: RunningGateway;
  let router: RunningRouter;
  const prometheus = new PrometheusServer();

  beforeAll(async () => {
    gateway = await startGateway();
    router = await startRouter(gateway.config.signingKeysFile);
    const target = new URL(gateway.url).host;
    await prometheus.start(
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(ALERTS)}`,
        'scrape_configs:',
        '  - job_name: lienthong-gateway',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: [${JSON.stringify(target)}]`,
        '  - job_name: lienthong-router',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: [${JSON.stringify(new URL(router.url).host)}]`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await prometheus.stop();
    await router?.close();
    await gateway?.close();
  });

  it('finds the router target up, and its exposition passes promtool check metrics', async () => {
    const target = await pollUntil(
      async () => {
        const answer = await prometheus.api<TargetsAnswer>('/api/v1/targets?state=active');
        const found = answer.data.activeTargets.find((t) => t.labels['job'] === 'lienthong-router');
        if (found?.lastError) throw new Error(`scrape error: ${found.lastError}`);
        return found?.health === 'up' ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'router target up' },
    );
    expect(target.scrapeUrl).toBe(`${router.url}/metrics`);
    const text = await (await fetch(`${router.url}/metrics`)).text();
    expect(text).toMatch(/^lienthong_/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('finds the gateway target up', async () => {
    const target = await pollUntil(
      async () => {
        const answer = await prometheus.api<TargetsAnswer>('/api/v1/targets?state=active');
        const found = answer.data.activeTargets.find((t) => t.labels['job'] === 'lienthong-gateway');
        if (found?.lastError) throw new Error(`scrape error: ${found.lastError}`);
        return found?.health === 'up' ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'gateway target up' },
    );
    expect(target.scrapeUrl).toBe(`${gateway.url}/metrics`);
    expect(target.lastError).toBe('');
  });

  it('stores what it scraped: the registry is caught up and Kafka reachable', async () => {
    const query = (promql: string) =>
      prometheus.api<QueryAnswer>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    const caughtUp = await pollUntil(
      async () => (await query('lienthong_registry_caught_up{job="lienthong-gateway"}')).data.result[0],
      { timeoutMs: 30_000, intervalMs: 200, description: 'lienthong_registry_caught_up stored' },
    );
    expect(caughtUp.value[1]).toBe('1');
    const reachable = (await query('lienthong_kafka_reachable{job="lienthong-gateway"}')).data.result[0];
    expect(reachable?.value[1]).toBe('1');
    // Polled: a scrape that timed out on a loaded machine marks every series stale until the next.
    const series = await pollUntil(
      async () => {
        const found = (await query('count({job="lienthong-gateway", __name__=~"lienthong_.+"})')).data
          .result[0];
        return Number(found?.value[1]) > 50 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'more than 50 gateway series stored' },
    );
    expect(Number(series.value[1])).toBeGreaterThan(50);
  });

  it('loads the alert rules of deploy/prometheus and evaluates them without error', async () => {
    const rules = await pollUntil(
      async () => {
        const answer = await prometheus.api<RulesAnswer>('/api/v1/rules');
        const all = answer.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => r.health === 'ok') ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'every rule evaluated ok' },
    );
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'LienthongGatewayDown',
        'LienthongKafkaUnavailable',
        'LienthongRegistryNotCaughtUp',
      ]),
    );
    expect(prometheus.log).not.toMatch(/level=error/);
  });
});
