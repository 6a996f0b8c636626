import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { RestartableKafkaHandle } from '@lienthong/local-kafka';
import { startRestartableKafka } from '@lienthong/local-kafka';
import { Kafka, logLevel } from 'kafkajs';

const TOPIC = 'local-kafka-restart';

function client(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'local-kafka-restart-spec',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

async function highWatermark(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

function portAnswers(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The broker fault-injection tests crash: SIGKILL, then back on the same port with its data. */
describe('startRestartableKafka', () => {
  let kafka: RestartableKafkaHandle | undefined;

  afterAll(async () => {
    await kafka?.stop();
  });

  it('survives SIGKILL and restarts on the same port and data dir; stop() removes the data', async () => {
    kafka = await startRestartableKafka({ env: { ...process.env, KAFKA_BROKERS: '' } });
    expect(kafka.mode).toBe('local-jars');
    expect(kafka.running).toBe(true);
    const brokers = [...kafka.brokers];
    const admin = client(brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = client(brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `before-${i}` })),
    });
    await producer.disconnect();

    await kafka.kill();
    expect(kafka.running).toBe(false);
    expect(await portAnswers(brokers[0]!)).toBe(false);
    expect(existsSync(`${kafka.dataDir}/logs`)).toBe(true);
    await expect(kafka.restart()).resolves.toBeUndefined();
    expect(kafka.running).toBe(true);
    expect(kafka.brokers).toEqual(brokers);
    await expect(kafka.restart()).rejects.toThrow(/running/);

    const again = client(brokers);
    expect(await highWatermark(again)).toBe(5);
    const second = again.producer({ idempotent: true, maxInFlightRequests: 1 });
    await second.connect();
    await second.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k9', value: 'after' }] });
    await second.disconnect();
    expect(await highWatermark(again)).toBe(6);

    const dataDir = kafka.dataDir;
    await kafka.stop();
    expect(kafka.running).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    await expect(kafka.restart()).rejects.toThrow(/stopped/);
  }, 240_000);

  it('keeps a given data dir across stop and start: records survive, nothing is removed (npm start)', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lienthong-kept-')), 'kafka');
    const env = { ...process.env, KAFKA_BROKERS: '' };
    try {
      const first = await startRestartableKafka({ env, dataDir });
      expect(first.dataDir).toBe(dataDir);
      const admin = client(first.brokers).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = client(first.brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: [
          { key: 'a', value: 'kept' },
          { key: 'b', value: 'kept' },
        ],
      });
      await producer.disconnect();
      await first.stop();
      expect(existsSync(join(dataDir, 'logs', 'meta.properties'))).toBe(true);

      // Started again on the same dir (other ports, possibly): the same cluster and its records.
      kafka = await startRestartableKafka({ env, dataDir });
      expect(await highWatermark(client(kafka.brokers))).toBe(2);
      await kafka.stop();
      kafka = undefined;
      expect(existsSync(join(dataDir, 'logs'))).toBe(true);
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  }, 240_000);
});
