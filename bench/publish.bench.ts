/**
 * Publish benchmarks (issue 7, scenarios 1, 2 and 5), against a real broker, every server and
 * load generator in its own process:
 *  1. single-record publish (reused token, schema validation, signed receipt, acks=-1) vs a bare
 *     Fastify route that parses and echoes the same ~1 KB body — autocannon, 64 connections,
 *     alternating rounds; req/s, latency p50/p90/p99/p99.9, peak RSS of each server;
 *  5. the gateway's memory: peak RSS after scenario 1, then RSS sampled through a soak at the
 *     same load (BENCH_SOAK_SECONDS, 300 for the documented run);
 *  2. batch publish (500 records a request) vs a raw kafkajs producer sending the same records
 *     in batches of 500 with acks=-1, same concurrency, alternating rounds; records/s.
 * BENCH_CPU_PROF=<dir> starts the gateway with --cpu-prof (profile written when it stops).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '@lienthong/local-kafka';
import type { HttpLoadResult } from './support/http-load.js';
import { httpLoad } from './support/http-load.js';
import { cpuSecondsOf, memoryOf, spawnNode, waitForOk } from './support/processes.js';
import { residenceRecord } from './support/records.js';
import { freePort, startStack } from './support/stack.js';
import { report, round } from './support/stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS = env('BENCH_SECONDS', 10);
const CONNECTIONS = env('BENCH_CONNECTIONS', 64);
const BATCH_SIZE = 500;
const BATCH_CONCURRENCY = env('BENCH_BATCH_CONCURRENCY', 4);
const SOAK_SECONDS = env('BENCH_SOAK_SECONDS', 60);
const ONLY = process.env['BENCH_SCENARIOS']?.split(',') ?? ['1', '5', '2'];
const TYPE = 'residence.registration';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

type Measured = HttpLoadResult & { cpuMicrosPerRequest: number };

/** Runs `load` and charges the CPU time `pid` used meanwhile to the requests it answered. */
async function measured(pid: number, load: () => Promise<HttpLoadResult>): Promise<Measured> {
  const before = cpuSecondsOf(pid);
  const result = await load();
  return { ...result, cpuMicrosPerRequest: round(((cpuSecondsOf(pid) - before) * 1e6) / result.requests, 0) };
}

function summary(results: Measured[]) {
  return {
    perSecond: round(mean(results.map((r) => r.requestsPerSecond)), 1),
    cpuMicrosPerRequest: round(mean(results.map((r) => r.cpuMicrosPerRequest)), 0),
    rounds: results.map((r) => ({
      perSecond: r.requestsPerSecond,
      latencyMs: r.latencyMs,
      ok: r.ok,
      notOk: r.notOk,
      errors: r.errors,
    })),
  };
}

async function main(): Promise<void> {
  const broker = await startKafka({ log: (m) => process.stderr.write(`[local-kafka] ${m}\n`) });
  const cpuProfDir = process.env['BENCH_CPU_PROF'];
  const stack = await startStack({
    brokers: broker.brokers,
    gatewayNodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  });
  const barePort = await freePort();
  const bare = spawnNode('bench/support/bare-echo-server.js', { env: { PORT: String(barePort) } });
  await waitForOk(`http://127.0.0.1:${barePort}/health`, bare);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.publisherToken}` };
  const publishUrl = `${stack.gatewayUrl}/v1/messages/${TYPE}`;
  const echoUrl = `http://127.0.0.1:${barePort}/echo`;
  const body = residenceRecord(1);
  process.stderr.write(`record: ${Buffer.byteLength(body)} bytes\n`);

  try {
    if (ONLY.includes('1')) {
      const load = (pid: number, url: string, seconds = SECONDS) =>
        measured(pid, () => httpLoad({ url, connections: CONNECTIONS, seconds, body, headers }));
      await load(stack.gateway.pid, publishUrl, 3);
      await load(bare.pid, echoUrl, 3);
      const ours: Measured[] = [];
      const base: Measured[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        ours.push(await load(stack.gateway.pid, publishUrl));
        base.push(await load(bare.pid, echoUrl));
      }
      const lienthong = summary(ours);
      const baseline = summary(base);
      report('1. single-record publish vs bare Fastify parse-and-echo', {
        connections: CONNECTIONS,
        secondsPerRound: SECONDS,
        rounds: ROUNDS,
        recordBytes: Buffer.byteLength(body),
        lienthong,
        bareFastify: baseline,
        ratio: round(lienthong.perSecond / baseline.perSecond, 3),
        peakRssMiB: {
          gateway: memoryOf(stack.gateway.pid).peakRssMiB,
          bareFastify: memoryOf(bare.pid).peakRssMiB,
        },
      });
    }

    if (ONLY.includes('5')) {
      const samples: { second: number; rssMiB: number }[] = [];
      const started = Date.now();
      const sampler = setInterval(() => {
        samples.push({
          second: Math.round((Date.now() - started) / 1000),
          rssMiB: memoryOf(stack.gateway.pid).rssMiB,
        });
      }, 5_000);
      const soak = await httpLoad({
        url: publishUrl,
        connections: CONNECTIONS,
        seconds: SOAK_SECONDS,
        body,
        headers,
      });
      clearInterval(sampler);
      const window = Math.max(1, Math.floor(samples.length / 5));
      report('5. gateway memory under scenario 1 load (soak)', {
        seconds: SOAK_SECONDS,
        connections: CONNECTIONS,
        perSecond: soak.requestsPerSecond,
        ok: soak.ok,
        notOk: soak.notOk,
        errors: soak.errors,
        latencyMs: soak.latencyMs,
        rssMiBFirstFifth: round(mean(samples.slice(0, window).map((s) => s.rssMiB)), 1),
        rssMiBLastFifth: round(mean(samples.slice(-window).map((s) => s.rssMiB)), 1),
        peakRssMiB: memoryOf(stack.gateway.pid).peakRssMiB,
        samples: samples.map((s) => `${s.second}s:${s.rssMiB}`).join(' '),
      });
    }

    if (ONLY.includes('2')) {
      const records = Array.from({ length: BATCH_SIZE }, (_, i) => residenceRecord(i));
      const batchBody = `[${records.join(',')}]`;
      const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
      const recordsFile = join(dir, 'records.json');
      writeFileSync(recordsFile, JSON.stringify(records));
      const rawTopic = 'lienthong.bench.raw';
      const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      const raw = async (seconds = SECONDS) => {
        const producer = spawnNode('bench/support/raw-producer.js', {
          args: [broker.brokers.join(','), rawTopic, String(seconds), String(BATCH_CONCURRENCY), recordsFile],
        });
        await new Promise((done) => producer.child.once('exit', done));
        const line = producer.output().trim().split('\n').pop() ?? '';
        return JSON.parse(line) as {
          recordsPerSecond: number;
          latencyMs: Record<string, number>;
          peakRssMiB: number;
        };
      };
      const batch = (seconds = SECONDS) =>
        measured(stack.gateway.pid, () =>
          httpLoad({
            url: `${publishUrl}/batch`,
            connections: BATCH_CONCURRENCY,
            seconds,
            body: batchBody,
            headers,
          }),
        );
      await batch(3);
      await raw(3);
      const ours: Measured[] = [];
      const base: Awaited<ReturnType<typeof raw>>[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        ours.push(await batch());
        base.push(await raw());
      }
      const lienthongRecords = mean(ours.map((r) => r.requestsPerSecond * BATCH_SIZE));
      const rawRecords = mean(base.map((r) => r.recordsPerSecond));
      report('2. batch publish (500 records a request) vs raw kafkajs producer, acks=-1', {
        concurrency: BATCH_CONCURRENCY,
        batchBytes: Buffer.byteLength(batchBody),
        lienthongRecordsPerSecond: round(lienthongRecords, 0),
        rawRecordsPerSecond: round(rawRecords, 0),
        ratio: round(lienthongRecords / rawRecords, 3),
        lienthong: summary(ours).rounds,
        raw: base,
        peakRssMiB: { gateway: memoryOf(stack.gateway.pid).peakRssMiB },
      });
    }
  } finally {
    await bare.stop();
    await stack.stop();
    await broker.stop();
  }
}

await main();
