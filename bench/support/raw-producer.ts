/**
 * Baseline for the batch benchmark, in its own process: a plain kafkajs producer writing the
 * same records (key + value, `acks=-1`) in batches of the same size, `concurrency` sends at a
 * time, for `seconds`. Prints one JSON line: records/s, per-send latency percentiles, peak RSS.
 * argv: brokers topic seconds concurrency recordsFile(JSON array of strings)
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { memoryOf } from './processes.js';
import { percentiles } from './stats.js';

const [brokers, topic, seconds, concurrency, recordsFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(recordsFile!, 'utf8')) as string[];
const messages = bodies.map((value) => ({
  key: (JSON.parse(value) as { citizenId: string }).citizenId,
  value: Buffer.from(value),
}));
const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers!.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
await producer.send({ topic: topic!, acks: -1, messages: messages.slice(0, 1) });
const samples: bigint[] = [];
let records = 0;
const start = process.hrtime.bigint();
const end = Date.now() + Number(seconds) * 1_000;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      await producer.send({ topic: topic!, acks: -1, messages });
      samples.push(process.hrtime.bigint() - t0);
      records += messages.length;
    }
  }),
);
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
await producer.disconnect();
process.stdout.write(
  `${JSON.stringify({
    recordsPerSecond: Math.round((records / elapsed) * 10) / 10,
    requests: samples.length,
    latencyMs: percentiles(samples, [50, 90, 99, 99.9]),
    peakRssMiB: memoryOf(process.pid).peakRssMiB,
  })}\n`,
);
