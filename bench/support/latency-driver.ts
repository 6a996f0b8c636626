/**
 * Load generator for the end-to-end latency benchmark, in its own process: publishes records
 * through the gateway at a fixed rate (open loop: a slow answer does not delay the next send)
 * and reads one subscriber's inbox; latency is from just before the HTTP request to the moment
 * the record with the receipt's id is read from the inbox (and, apart, until the gateway's
 * answer: `publishAnswerMs`). Prints one JSON line.
 * argv: url token type rate seconds brokers inboxTopic recordsFile(JSON array of strings)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { percentiles } from './stats.js';

const [url, token, type, rate, seconds, brokers, inbox, recordsFile] = process.argv.slice(2);
const bodies = (JSON.parse(readFileSync(recordsFile!, 'utf8')) as string[]).map((b) => Buffer.from(b));
const arrivals = new Map<string, bigint>();
const consumer = new Kafka({ brokers: brokers!.split(','), logLevel: logLevel.NOTHING }).consumer({
  groupId: `bench-latency-${randomUUID()}`,
  maxWaitTimeInMs: 5,
});
await consumer.connect();
await consumer.subscribe({ topics: [inbox!], fromBeginning: false });
const joined = new Promise((done) => consumer.on(consumer.events.GROUP_JOIN, done));
await consumer.run({
  eachBatch: ({ batch }) => {
    const now = process.hrtime.bigint();
    for (const m of batch.messages) {
      const id = m.headers?.['ce_id']?.toString();
      if (id && !arrivals.has(id)) arrivals.set(id, now);
    }
    return Promise.resolve();
  },
});
await joined;
await new Promise((r) => setTimeout(r, 2_000)); // let the first fetch position itself at the end

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(`${url}/v1/messages/${type}`);
const sent = new Map<string, bigint>();
const answered: bigint[] = [];
const statuses: Record<string, number> = {};
const publish = (body: Buffer) =>
  new Promise<void>((done) => {
    const t0 = process.hrtime.bigint();
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          answered.push(process.hrtime.bigint() - t0);
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          if (res.statusCode === 202)
            sent.set((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id, t0);
          done();
        });
      },
    );
    req.on('error', () => {
      statuses['error'] = (statuses['error'] ?? 0) + 1;
      done();
    });
    req.end(body);
  });

const total = Number(rate) * Number(seconds);
const start = Date.now();
const inFlight: Promise<void>[] = [];
let late = 0;
for (let i = 0; i < total; i++) {
  const wait = start + (i * 1000) / Number(rate) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  else if (wait < -10) late++;
  inFlight.push(publish(bodies[i % bodies.length]!));
}
const sendSeconds = (Date.now() - start) / 1000;
await Promise.all(inFlight);
const deadline = Date.now() + 120_000;
while ([...sent.keys()].some((id) => !arrivals.has(id)) && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 50));
}
const samples = [...sent].filter(([id]) => arrivals.has(id)).map(([id, t]) => arrivals.get(id)! - t);
await consumer.disconnect();
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    records: total,
    offeredPerSecond: Math.round((total / sendSeconds) * 10) / 10,
    sendsLateOver10ms: late,
    statuses,
    delivered: samples.length,
    latencyMs: percentiles(samples, [50, 90, 99, 99.9]),
    publishAnswerMs: percentiles(answered, [50, 90, 99, 99.9]),
  })}\n`,
);
