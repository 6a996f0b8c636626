import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export interface HttpLoadOptions {
  url: string;
  connections: number;
  seconds: number;
  body: Buffer | string;
  headers: Record<string, string>;
  /** Fixed request rate over all connections (open loop); default: as fast as answers come. */
  rate?: number;
}

export interface HttpLoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Answers by status class (autocannon's 2xx/non2xx) and transport errors/timeouts. */
  ok: number;
  notOk: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; p99_9: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * HTTP load from a separate process: autocannon (closed loop over `connections` keep-alive
 * connections, or open loop at `rate`), latency percentiles from its HDR histogram.
 */
export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const bodyFile = join(tmpdir(), `lienthong-bench-body-${process.pid}-${Date.now()}.json`);
  writeFileSync(bodyFile, options.body);
  const args = [
    autocannonBin,
    '--json',
    '--connections',
    String(options.connections),
    '--duration',
    String(options.seconds),
    '--method',
    'POST',
    '--input',
    bodyFile,
    '--timeout',
    '30',
  ];
  for (const [name, value] of Object.entries(options.headers)) args.push('--headers', `${name}=${value}`);
  if (options.rate !== undefined) args.push('--overallRate', String(options.rate));
  args.push(options.url);
  const json = await new Promise<string>((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (code) =>
      code === 0 ? done(out) : fail(new Error(`autocannon exited ${code}: ${err}`)),
    );
  });
  const r = JSON.parse(json) as AutocannonJson;
  return {
    requestsPerSecond: Math.round((r.requests.total / r.duration) * 10) / 10,
    requests: r.requests.total,
    ok: r['2xx'],
    notOk: r.non2xx,
    errors: r.errors + r.timeouts,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      p999: r.latency.p99_9,
      max: r.latency.max,
    },
  };
}
