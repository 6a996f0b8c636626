import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin, Consumer, IHeaders, Producer } from 'kafkajs';
import { ConfigResourceTypes, Kafka, logLevel, Partitioners } from 'kafkajs';

import { parseBrokerList } from '@lienthong/local-kafka';

import { pollUntil } from '../support/poll-until.util.js';

/**
 * kafkajs 2.2.4 against the broker of this run (global-setup.ts): topic creation, the producer
 * settings of the design (idempotent, one request in flight, acks=all), keyed records with
 * headers and Vietnamese UTF-8 values, and a consumer group reading everything back byte for byte.
 */
interface SentRecord {
  key: string;
  value: Buffer;
  headers: Record<string, Buffer>;
}

interface ReceivedRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

const VALUES = [
  'Cộng hòa Xã hội Chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc',
  '{"hoTen":"Nguyễn Thị Ánh Tuyết","diaChi":"Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"}',
  'Giấy chứng nhận quyền sử dụng đất số 0123/QĐ-UBND',
  'Trần Văn Đức ✓ 🇻🇳',
  // The same word precomposed (NFC) and decomposed (NFD): bytes must not be normalised.
  'Hà Nội'.normalize('NFC'),
  'Hà Nội'.normalize('NFD'),
];
const AGENCIES = ['000.00.00.G12', '000.00.00.H29', '000.00.00.A01'];

describe('Kafka broker of the test run', () => {
  const brokers = parseBrokerList(process.env.KAFKA_BROKERS);
  const kafka = new Kafka({ clientId: 'kafka-broker-int-spec', brokers, logLevel: logLevel.WARN });
  const runId = randomUUID();
  const topic = `lienthong.test.broker.${runId}`;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    expect(brokers.length).toBeGreaterThan(0);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('answers metadata requests', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);
    expect(cluster.clusterId).toEqual(expect.any(String));
  });

  it('creates a topic with 3 partitions', async () => {
    await expect(
      admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        waitForLeaders: true,
      }),
    ).resolves.toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('creates a compacted single-partition topic (as the registry log is) and reports its config', async () => {
    const compacted = `lienthong.test.compacted.${runId}`;
    try {
      await admin.createTopics({
        topics: [
          {
            topic: compacted,
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        waitForLeaders: true,
      });
      const { resources } = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      expect(resources[0]?.configEntries).toEqual([
        expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
      ]);
      expect(await admin.fetchTopicOffsets(compacted)).toEqual([
        expect.objectContaining({ partition: 0, low: '0', high: '0' }),
      ]);
    } finally {
      await admin.deleteTopics({ topics: [compacted] }).catch(() => undefined);
    }
  });

  it('does not create topics on demand (auto.create.topics.enable=false)', async () => {
    const missing = `lienthong.test.missing.${runId}`;
    // Its own client: the expected UNKNOWN_TOPIC_OR_PARTITION errors need not be logged.
    const quiet = new Kafka({ clientId: 'kafka-broker-int-spec-probe', brokers, logLevel: logLevel.NOTHING });
    const probe = quiet.producer({
      allowAutoTopicCreation: true,
      retry: { retries: 1 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await probe.connect();
    try {
      await expect(probe.send({ topic: missing, acks: -1, messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await probe.disconnect();
    }
    expect(await admin.listTopics()).not.toContain(missing);
  });

  it('round-trips keyed records with headers through an idempotent producer and a consumer group', async () => {
    const sent: SentRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const agency = AGENCIES[i % AGENCIES.length]!;
      sent.push({
        key: `${agency}/hồ-sơ-${i % 5}`,
        value: Buffer.from(`${VALUES[i % VALUES.length]!} #${i}`, 'utf8'),
        headers: {
          ce_id: Buffer.from(randomUUID()),
          ce_source: Buffer.from(agency),
          ce_subject: Buffer.from(`hồ sơ ${i}`, 'utf8'),
          'x-binary': Buffer.from([0x00, 0xff, 0x80, i]),
        },
      });
    }

    // Several sends, so the idempotent producer's sequence numbers advance across batches.
    for (let start = 0; start < sent.length; start += 10) {
      const results = await producer.send({
        topic,
        acks: -1,
        messages: sent.slice(start, start + 10).map(({ key, value, headers }) => ({ key, value, headers })),
      });
      for (const result of results) expect(result.errorCode).toBe(0);
    }

    const received: ReceivedRecord[] = [];
    consumer = kafka.consumer({ groupId: `lienthong-test-${runId}`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        received.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
        return Promise.resolve();
      },
    });

    await pollUntil(() => received.length >= sent.length, {
      timeoutMs: 60_000,
      description: 'all records consumed',
    });
    expect(received).toHaveLength(sent.length);

    const byId = new Map(received.map((record) => [asBuffer(record.headers.ce_id).toString(), record]));
    for (const record of sent) {
      const got = byId.get(record.headers.ce_id!.toString());
      expect(got).toBeDefined();
      expect(got!.key?.equals(Buffer.from(record.key, 'utf8'))).toBe(true);
      expect(got!.value?.equals(record.value)).toBe(true);
      expect(got!.value?.toString('utf8')).toBe(record.value.toString('utf8'));
      for (const [name, value] of Object.entries(record.headers)) {
        expect(asBuffer(got!.headers[name]).equals(value)).toBe(true);
      }
    }

    // Same key, same partition, in send order.
    const partitionsByKey = new Map<string, Set<number>>();
    for (const record of received) {
      const key = record.key!.toString('utf8');
      partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(record.partition));
    }
    for (const partitions of partitionsByKey.values()) expect(partitions.size).toBe(1);
    for (const key of partitionsByKey.keys()) {
      const sentOrder = sent
        .filter((record) => record.key === key)
        .map((record) => record.headers.ce_id!.toString());
      const receivedOrder = received
        .filter((record) => record.key!.toString('utf8') === key)
        .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))
        .map((record) => asBuffer(record.headers.ce_id).toString());
      expect(receivedOrder).toEqual(sentOrder);
    }

    // The group committed its position: the offsets cover every record.
    await pollUntil(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: `lienthong-test-${runId}`, topics: [topic] });
        const committed = offsets!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0);
        return committed === sent.length;
      },
      { timeoutMs: 30_000, description: 'consumer group offsets committed' },
    );
  });
});

function asBuffer(value: IHeaders[string]): Buffer {
  if (Buffer.isBuffer(value)) return value;
  throw new Error(`expected one Buffer header value, got ${String(value)}`);
}
