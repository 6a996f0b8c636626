/**
 * Router benchmarks (issue 7, scenarios 4 and 3), against a real broker; the gateway, the
 * router, the baseline pipe and the latency load generator each run in their own process:
 *  4. fan-out: N accepted records routed to 10 Kafka-inbox subscriptions by the router (match,
 *     sign each delivery, write, audit, commit) vs a plain kafkajs pipe consuming the same topic
 *     and producing each record to 10 topics. Both start on a backlog of N records and are timed
 *     from their first output to their last (start-up excluded), counted by the same consumer;
 *     alternating rounds, each with a fresh consumer group. Each round runs the router twice,
 *     side by side: without and with disclosure recording (issue 11 §3: DISCLOSURE_SUBJECT_SECRET
 *     set, two disclosure events per delivery), and reports the throughput ratio;
 *  3. publish-to-inbox latency at a fixed rate (BENCH_RATE, 1,000 records/s) with one inbox
 *     subscription, the router caught up: from the HTTP request to the record read from the inbox.
 * BENCH_CPU_PROF=<dir> profiles the gateway, BENCH_ROUTER_CPU_PROF=<dir> the router (--cpu-prof).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { recordTopic } from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { startKafka } from '@lienthong/local-kafka';
import { cpuSecondsOf, memoryOf, spawnNode } from './support/processes.js';
import { residenceRecord } from './support/records.js';
import { DEMO_DISCLOSURE_BASIS } from '../apps/devstack/src/demo-agencies.js';
import { startStack } from './support/stack.js';
import { report, round } from './support/stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RECORDS = env('BENCH_RECORDS', 20_000);
const ROUNDS = env('BENCH_ROUNDS', 2);
const RATE = env('BENCH_RATE', 1_000);
const LATENCY_SECONDS = env('BENCH_LATENCY_SECONDS', 20);
const ONLY = process.env['BENCH_SCENARIOS']?.split(',') ?? ['4', '3'];
const FANOUT = 10;
const TYPE = 'residence.registration';
/** The subject-hash key of the rounds that record disclosures. */
const BENCH_DISCLOSURE_SECRET = 'bench-disclosure-subject-secret-0123456789';
const subscriberId = (i: number) => `000.00.00.S${String(i).padStart(2, '0')}`;

/**
 * Counts every record on `topics` (own group, from the beginning) and notes when the count first
 * passed `from` and when it reached `to`: the first and last output of one round.
 */
async function countOutputs(kafka: Kafka, topics: string[], from: number, to: number) {
  const consumer = kafka.consumer({ groupId: `bench-count-${randomUUID()}`, maxWaitTimeInMs: 20 });
  let count = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch }) => {
      count += batch.messages.length;
      const now = process.hrtime.bigint();
      if (first === undefined && count > from) first = now;
      if (last === undefined && count >= to) last = now;
      return Promise.resolve();
    },
  });
  return {
    async finished(timeoutMs = 900_000): Promise<{ seconds: number }> {
      const deadline = Date.now() + timeoutMs;
      while (last === undefined) {
        if (Date.now() > deadline) throw new Error(`outputs: ${count} of ${to}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await consumer.disconnect();
      return { seconds: Number(last - first!) / 1e9 };
    },
  };
}

async function main(): Promise<void> {
  const broker = await startKafka({ log: (m) => process.stderr.write(`[local-kafka] ${m}\n`) });
  const cpuProfDir = process.env['BENCH_CPU_PROF'];
  const stack = await startStack({
    brokers: broker.brokers,
    gatewayNodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  });
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'bench-router' });
  const subscriptions: { token: string; id: string }[] = [];
  for (let i = 0; i < FANOUT; i++) {
    const token = await stack.createAgency(subscriberId(i), ['subscriber'], {
      subscribe: [TYPE],
      'subscribe-personal-data': [TYPE],
    });
    const r = await fetch(`${stack.gatewayUrl}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ types: [TYPE], delivery: { mode: 'kafka' }, ...DEMO_DISCLOSURE_BASIS }),
    });
    if (r.status !== 201) throw new Error(`subscription: ${r.status} ${await r.text()}`);
    subscriptions.push({ token, id: ((await r.json()) as { id: string }).id });
  }
  const inboxes = Array.from({ length: FANOUT }, (_, i) => inboxTopic(subscriberId(i)));
  const pipeTopics = Array.from({ length: FANOUT }, (_, i) => `bench.pipe.${i}`);
  await ensureTopics(
    kafka,
    [...inboxes, ...pipeTopics].map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const recordsFile = join(dir, 'records.json');
  writeFileSync(recordsFile, JSON.stringify(Array.from({ length: 500 }, (_, i) => residenceRecord(i))));

  try {
    if (ONLY.includes('4')) {
      // A backlog of N accepted records, published in batches of 500 before anything routes.
      const batch = `[${Array.from({ length: 500 }, (_, i) => residenceRecord(i)).join(',')}]`;
      for (let sent = 0; sent < RECORDS; sent += 500) {
        const r = await fetch(`${stack.gatewayUrl}/v1/messages/${TYPE}/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.publisherToken}` },
          body: batch,
        });
        const result = (await r.json()) as { accepted?: number };
        if (r.status !== 200 || result.accepted !== 500) throw new Error(`preload: ${r.status}`);
      }
      const expected = RECORDS * FANOUT;
      const rounds: {
        router: number;
        routerWithDisclosures: number;
        pipe: number;
        routerCpuMicrosPerRecord: number;
        routerWithDisclosuresCpuMicrosPerRecord: number;
      }[] = [];
      let routerRuns = 0;
      // One router run over the whole backlog with a fresh group: inbox outputs counted from the
      // previous runs' total. `disclosures`: with DISCLOSURE_SUBJECT_SECRET, so every delivery of
      // residence.registration (two data subjects) writes two disclosure events; without it, the
      // router computes and writes none — the same as a type without dataSubject.
      const routerRun = async (disclosures: boolean) => {
        const outputs = await countOutputs(
          kafka,
          inboxes,
          routerRuns * expected,
          (routerRuns + 1) * expected,
        );
        routerRuns++;
        const router = await stack.startRouter({
          ROUTER_CONSUMER_GROUP: `bench-router-${randomUUID()}`,
          ROUTER_TOPIC_REFRESH_MS: '500',
          ...(disclosures && { DISCLOSURE_SUBJECT_SECRET: BENCH_DISCLOSURE_SECRET }),
        });
        const cpuBefore = cpuSecondsOf(router.pid);
        const seconds = (await outputs.finished()).seconds;
        const cpu = cpuSecondsOf(router.pid) - cpuBefore;
        const peak = memoryOf(router.pid).peakRssMiB;
        return { seconds, cpu, peak };
      };
      for (let r = 0; r < ROUNDS; r++) {
        const pipeOutputs = await countOutputs(kafka, pipeTopics, r * expected, (r + 1) * expected);
        const pipe = spawnNode('bench/support/raw-pipe.js', {
          args: [broker.brokers.join(','), recordTopic(TYPE), pipeTopics.join(','), String(RECORDS)],
        });
        const pipeSeconds = (await pipeOutputs.finished()).seconds;
        await pipe.stop();

        // Side by side, alternating which goes first, so drift on a shared machine hits both.
        const order = r % 2 === 0 ? [false, true] : [true, false];
        const runs: Record<string, { seconds: number; cpu: number; peak: number }> = {};
        for (const [k, disclosures] of order.entries()) {
          runs[String(disclosures)] = await routerRun(disclosures);
          const last = r === ROUNDS - 1 && k === order.length - 1;
          if (!last || !ONLY.includes('3')) await stack.stopRouter();
        }
        const plain = runs['false']!;
        const withDisclosures = runs['true']!;
        rounds.push({
          router: round(RECORDS / plain.seconds, 1),
          routerWithDisclosures: round(RECORDS / withDisclosures.seconds, 1),
          pipe: round(RECORDS / pipeSeconds, 1),
          routerCpuMicrosPerRecord: round((plain.cpu * 1e6) / RECORDS, 0),
          routerWithDisclosuresCpuMicrosPerRecord: round((withDisclosures.cpu * 1e6) / RECORDS, 0),
        });
        process.stderr.write(
          `round ${r + 1}: ${JSON.stringify(rounds[r])}, router peak RSS ${plain.peak} / ${withDisclosures.peak} MiB\n`,
        );
      }
      const mean = (pick: (x: (typeof rounds)[number]) => number) =>
        rounds.reduce((s, x) => s + pick(x), 0) / rounds.length;
      report(`4. router fan-out to ${FANOUT} inbox subscriptions vs a plain consume-and-produce pipe`, {
        records: RECORDS,
        deliveriesPerRound: expected,
        rounds,
        routerRecordsPerSecond: round(
          mean((x) => x.router),
          1,
        ),
        routerWithDisclosuresRecordsPerSecond: round(
          mean((x) => x.routerWithDisclosures),
          1,
        ),
        pipeRecordsPerSecond: round(
          mean((x) => x.pipe),
          1,
        ),
        ratio: round(mean((x) => x.router) / mean((x) => x.pipe), 3),
        disclosuresRatio: round(mean((x) => x.routerWithDisclosures) / mean((x) => x.router), 3),
        routerCpuMicrosPerRecord: round(
          mean((x) => x.routerCpuMicrosPerRecord),
          0,
        ),
        routerWithDisclosuresCpuMicrosPerRecord: round(
          mean((x) => x.routerWithDisclosuresCpuMicrosPerRecord),
          0,
        ),
        routerPeakRssMiB: stack.router ? memoryOf(stack.router.pid).peakRssMiB : undefined,
      });
    }

    if (ONLY.includes('3')) {
      // One subscription: the latency of one record's way, not of a 10-way fan-out.
      for (const s of subscriptions.slice(1)) {
        const r = await fetch(`${stack.gatewayUrl}/v1/subscriptions/${s.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${s.token}` },
        });
        if (r.status !== 204) throw new Error(`delete subscription: ${r.status}`);
      }
      const router = stack.router ?? (await stack.startRouter({ ROUTER_TOPIC_REFRESH_MS: '500' }));
      await new Promise((r) => setTimeout(r, 2_000)); // the router sees the deletions
      const driver = spawnNode('bench/support/latency-driver.js', {
        args: [
          stack.gatewayUrl,
          stack.publisherToken,
          TYPE,
          String(RATE),
          String(LATENCY_SECONDS),
          broker.brokers.join(','),
          inboxes[0]!,
          recordsFile,
        ],
      });
      await new Promise((done) => driver.child.once('exit', done));
      const line = driver.output().trim().split('\n').pop() ?? '';
      report(`3. publish-to-inbox latency at ${RATE} records/s (one inbox subscription)`, {
        rate: RATE,
        seconds: LATENCY_SECONDS,
        ...(JSON.parse(line) as Record<string, unknown>),
        peakRssMiB: {
          gateway: memoryOf(stack.gateway.pid).peakRssMiB,
          router: memoryOf(router.pid).peakRssMiB,
        },
      });
    }
  } finally {
    await stack.stop();
    await broker.stop();
  }
}

await main();
