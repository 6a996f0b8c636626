import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transformSync } from '@swc/core';
import type { Consumer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { parseBrokerList } from '@lienthong/local-kafka';
import { pollUntil } from '../support/poll-until.util.js';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * libs/kafka's fast path (native CRC-32C, one-allocation record encoder) replaces kafkajs
 * modules in Node's CommonJS cache, which Jest's module registry does not use; so this runs a
 * plain Node process that installs it, produces keyed records with CloudEvents-like headers and
 * Vietnamese values to the broker of this run, and checks the broker took them (a wrong CRC or
 * length is refused as corrupt) and a stock kafkajs consumer reads them back byte for byte.
 */
describe('kafkajs fast path against a real broker', () => {
  const brokers = parseBrokerList(process.env['KAFKA_BROKERS']);
  const topic = `lienthong.test.fast-path.${randomUUID()}`;
  let consumer: Consumer;

  beforeAll(async () => {
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('produces records a stock consumer reads back unchanged', async () => {
    const dir = join(ROOT, 'node_modules/.cache/lienthong-test');
    mkdirSync(dir, { recursive: true });
    const source = readFileSync(join(ROOT, 'libs/kafka/src/kafkajs-fast-path.ts'), 'utf8');
    writeFileSync(
      join(dir, 'kafkajs-fast-path.mjs'),
      transformSync(source, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }).code,
    );
    writeFileSync(
      join(dir, 'produce.mjs'),
      `import { installKafkajsFastPath, kafkajsUsesFastPath } from './kafkajs-fast-path.mjs';
      const installed = installKafkajsFastPath();
      const { Kafka, logLevel } = await import('kafkajs');
      const [brokers, topic] = process.argv.slice(2);
      const producer = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING })
        .producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const messages = Array.from({ length: 300 }, (_, i) => ({
        key: 'khóa-' + (i % 17),
        value: Buffer.from(JSON.stringify({ i, hoTen: 'Nguyễn Thị Ánh Tuyết', pad: 'đ'.repeat(i * 3) })),
        headers: { ce_id: 'id-' + i, ce_type: 'residence.registration', 'lienthong-multi': ['a', 'b' + i] },
      }));
      const results = [];
      for (let at = 0; at < messages.length; at += 100) {
        results.push(...(await producer.send({ topic, acks: -1, messages: messages.slice(at, at + 100) })));
      }
      await producer.disconnect();
      console.log(JSON.stringify({ installed, used: kafkajsUsesFastPath(), errors: results.filter((r) => r.errorCode !== 0).length }));`,
    );
    const { stdout } = await run(process.execPath, [join(dir, 'produce.mjs'), brokers.join(','), topic]);
    expect(JSON.parse(stdout)).toEqual({ installed: true, used: true, errors: 0 });

    const seen = new Map<string, { key: string; value: string; headers: Record<string, unknown> }>();
    consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: `fast-path-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.map((x) => String(x)) : String(v),
          ]),
        );
        seen.set(String(headers['ce_id']), {
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers,
        });
        return Promise.resolve();
      },
    });
    await pollUntil(() => seen.size === 300, { timeoutMs: 60_000, description: '300 records read back' });
    for (let i = 0; i < 300; i++) {
      expect(seen.get(`id-${i}`)).toEqual({
        key: `khóa-${i % 17}`,
        value: JSON.stringify({ i, hoTen: 'Nguyễn Thị Ánh Tuyết', pad: 'đ'.repeat(i * 3) }),
        headers: { ce_id: `id-${i}`, ce_type: 'residence.registration', 'lienthong-multi': ['a', `b${i}`] },
      });
    }
  });
});
