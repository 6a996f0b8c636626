import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RecordProducer, createKafkaClient } from '@lienthong/kafka';
import type { RestartableKafkaHandle } from '@lienthong/local-kafka';
import { startRestartableKafka } from '@lienthong/local-kafka';
import type { Kafka } from 'kafkajs';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector, topicEndOffsets } from '../support/record-collector.util.js';

const TOPIC = 'record-producer-recovery';

/**
 * A write that fails on the client but lands on the broker later (a stalled broker answers after
 * kafkajs gave up) must not wedge the idempotent producer: kafkajs rolls the sequence numbers
 * back, so reusing its producer id makes every later write to that partition fail with
 * OUT_OF_ORDER_SEQUENCE_NUMBER (or, for a batch of the same size, be "deduplicated" to the old
 * batch's offset). Found by test/faults/broker-restart.fault-spec.ts.
 */
describe('RecordProducer after a write that failed but landed', () => {
  let broker: RestartableKafkaHandle;
  let kafka: Kafka;
  let producer: RecordProducer;

  beforeAll(async () => {
    broker = await startRestartableKafka({ env: { ...process.env, KAFKA_BROKERS: '' } });
    kafka = createKafkaClient({
      brokers: broker.brokers,
      clientId: 'record-producer-recovery',
      requestTimeoutMs: 1_500,
      retries: 1,
      log: () => undefined,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = new RecordProducer(kafka, { ackTimeoutMs: 1_000, retries: 1 });
    await producer.connect();
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  const record = (value: string) => ({ key: 'same-key', value: Buffer.from(value), headers: { v: value } });

  it('answers later writes with the coordinates of their own records', async () => {
    await producer.send(TOPIC, record('first'));
    broker.pause();
    await expect(producer.send(TOPIC, record('stalled'))).rejects.toThrow();
    broker.resume();
    // The stalled request is appended once the broker runs again.
    await pollUntil(async () => (await topicEndOffsets(kafka, TOPIC)) >= 2n, {
      timeoutMs: 30_000,
      description: 'the stalled write appended',
    });
    const after = await producer.send(TOPIC, record('after'));
    const collector = new RecordCollector(kafka);
    await collector.start([TOPIC]);
    try {
      const end = Number(await topicEndOffsets(kafka, TOPIC));
      await pollUntil(() => collector.all.length >= end, { timeoutMs: 30_000, description: 'read back' });
      const at = collector.all.find((r) => r.offset === after.offset);
      expect(at?.value?.toString()).toBe('after');
    } finally {
      await collector.stop();
    }
  }, 120_000);
});
