/**
 * Baseline for the fan-out benchmark, in its own process: a plain kafkajs consume-and-produce
 * pipe. Reads `source` from the beginning (own group) and writes each fetched batch to every
 * output topic with an idempotent producer and acks=-1, then commits; no matching, signing or
 * audit. Exits after it has forwarded `expected` records.
 * argv: brokers source outputs(comma-separated) expected
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

const [brokers, source, outputs, expected] = process.argv.slice(2);
const topics = outputs!.split(',');
const kafka = new Kafka({ clientId: 'bench-pipe', brokers: brokers!.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: `bench-pipe-${randomUUID()}` });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [source!], fromBeginning: true });
let forwarded = 0;
await new Promise<void>((done) => {
  void consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} }));
      await producer.sendBatch({ acks: -1, topicMessages: topics.map((topic) => ({ topic, messages })) });
      for (const m of batch.messages) resolveOffset(m.offset);
      await heartbeat();
      forwarded += messages.length;
      if (forwarded >= Number(expected)) done();
    },
  });
});
await consumer.disconnect();
await producer.disconnect();
