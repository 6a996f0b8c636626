// Integration spec against the broker of the test run (test/support/global-setup.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Admin } from 'kafkajs';
import { createKafkaClient } from './kafka-client.js';
import { ensureTopics, fetchTopicOffsetsWhenServed } from './topic-admin.js';

const kafka = createKafkaClient({
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  clientId: 'topic-admin-spec',
  // One quick attempt per call, so the spec exercises our retries rather than kafkajs' own.
  retries: 0,
});
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

describe('fetchTopicOffsetsWhenServed', () => {
  it('answers every partition of a topic created the moment before', async () => {
    // What the gateway does at boot on a fresh broker: create the topic, then read its ends
    // (a lone fetchTopicOffsets here once failed with "This server is not the leader").
    const topic = `lienthong.test.topic-admin.${randomUUID()}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 3, replicationFactor: -1 }]);
    const offsets = await fetchTopicOffsetsWhenServed(admin, topic);
    expect(offsets.map((p) => [p.partition, p.high]).sort()).toEqual([
      [0, '0'],
      [1, '0'],
      [2, '0'],
    ]);
  });

  it('keeps trying a topic that is not served until the deadline, then throws its error', async () => {
    const missing = `lienthong.test.topic-admin.missing.${randomUUID()}`;
    const attempts = jest.spyOn(admin, 'fetchTopicOffsets');
    try {
      await expect(fetchTopicOffsetsWhenServed(admin, missing, 1_000)).rejects.toThrow();
      // It retried (the error is retriable) rather than failing at the first answer.
      expect(attempts.mock.calls.length).toBeGreaterThan(1);
    } finally {
      attempts.mockRestore();
    }
  });
});
