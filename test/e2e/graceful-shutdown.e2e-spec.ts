import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordTopic } from '@lienthong/contracts';
import { createKafkaClient } from '@lienthong/kafka';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import { freePort } from '../support/free-port.util.js';
import { dossierStatusRecord } from '../support/catalogue-fixtures.util.js';
import { builtMain } from '../support/test-build.util.js';

const TYPE = 'procedure.dossier-status';
const DIGITS = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');
const WORKERS = 12;

function dossier(n: number) {
  return JSON.stringify(dossierStatusRecord(`000.00.34.H29-251014-${DIGITS}${String(n).padStart(3, '0')}`));
}

interface Child {
  process: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

type Outcome = { n: number } & ({ status: 202; id: string } | { status: number } | { error: string });

describe('SIGTERM: the built gateway drains and exits; no accepted record is lost', () => {
  let setup: RunningGateway;
  let publisher: TestAgency;
  let collector: RecordCollector;
  const children: Child[] = [];

  /** The built gateway (`node <build>/apps/gateway/src/main.js`) with the environment startGateway builds. */
  const spawnGateway = async (): Promise<Child> => {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, [builtMain('gateway')], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        GATEWAY_ISSUER: setup.config.issuer,
        GATEWAY_SIGNING_KEYS_FILE: setup.config.signingKeysFile!,
        BOOTSTRAP_OPERATOR_ID: setup.config.bootstrapOperatorId,
        BOOTSTRAP_OPERATOR_JWKS: setup.config.bootstrapOperatorJwks ?? '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const started: Child = { process: child, url: `http://127.0.0.1:${port}`, output, exited };
    children.push(started);
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited: ${output.join('')}`);
        return (await fetch(`${started.url}/health/ready`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'child gateway ready' },
    );
    return started;
  };

  let next = 0;
  const publishOnce = async (url: string): Promise<Outcome> => {
    const n = next++;
    try {
      const response = await fetch(`${url}/v1/messages/${TYPE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...publisher.auth() },
        body: dossier(n),
      });
      if (response.status === 202)
        return { n, status: 202, id: ((await response.json()) as { id: string }).id };
      await response.arrayBuffer();
      return { n, status: response.status };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { n, error: cause?.code ?? cause?.message ?? String(error) };
    }
  };

  beforeAll(async () => {
    setup = await startGateway();
    publisher = await setup.publisher();
    collector = new RecordCollector(
      createKafkaClient({ brokers: setup.config.kafkaBrokers, clientId: `shutdown-e2e-${DIGITS}` }),
    );
    await collector.start([recordTopic(TYPE)]);
  }, 180_000);

  afterAll(async () => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await collector?.stop();
    await setup?.close();
  });

  it('answers 202 only for records that are in Kafka, across SIGTERM and a restart', async () => {
    const first = await spawnGateway();
    const outcomes: Outcome[] = [];
    let stopping = false;
    // Concurrent publishers, each until its first non-202 answer (503 while closing, or refused).
    const worker = async (): Promise<void> => {
      for (;;) {
        const outcome = await publishOnce(first.url);
        outcomes.push(outcome);
        if (!('id' in outcome) && stopping) return;
        if (!('id' in outcome)) throw new Error(`publish failed before SIGTERM: ${JSON.stringify(outcome)}`);
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await pollUntil(() => outcomes.filter((o) => 'id' in o).length >= 60, {
      timeoutMs: 30_000,
      description: 'records accepted before SIGTERM',
    });
    stopping = true;
    first.process.kill('SIGTERM');
    await Promise.all(workers);
    const exit = await Promise.race([
      first.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000)),
    ]);
    expect([exit, exit === 'hung' ? first.output.join('') : '']).toEqual([
      { code: null, signal: 'SIGTERM' },
      '',
    ]);

    // After the restart the same publishers go on.
    const second = await spawnGateway();
    for (let i = 0; i < 5; i++) outcomes.push(await publishOnce(second.url));
    second.process.kill('SIGTERM');
    await second.exited;

    const accepted = outcomes.filter((o): o is { n: number; status: 202; id: string } => 'id' in o);
    const other = outcomes.filter((o) => !('id' in o));
    expect(accepted.length).toBeGreaterThanOrEqual(65);
    // Every refusal is explicit: a 503 while closing, or no connection at all.
    for (const o of other) {
      if ('status' in o) expect(o.status).toBe(503);
      else expect(o.error).toMatch(/ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|other side closed/);
    }
    await pollUntil(() => accepted.every((o) => collector.byId.has(o.id)), {
      timeoutMs: 30_000,
      description: `all ${accepted.length} accepted records in Kafka`,
    });
    for (const o of accepted) {
      expect(JSON.parse(collector.byId.get(o.id)!.value!.toString('utf8'))).toEqual(JSON.parse(dossier(o.n)));
    }
    // And what was refused was not written behind the client's back.
    const written = new Set(collector.all.map((r) => r.value?.toString('utf8')));
    for (const o of other) expect(written.has(dossier(o.n))).toBe(false);
  }, 180_000);
});
