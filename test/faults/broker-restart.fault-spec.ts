import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RestartableKafkaHandle } from '@lienthong/local-kafka';
import { startRestartableKafka } from '@lienthong/local-kafka';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import type { ReceivedRecord } from './support/exactly-once.util.js';
import {
  OutcomeCounts,
  checkExactlyOnce,
  dossier,
  publishUntilAccepted,
  readBackTopic,
  receivedRecords,
  runDigits,
} from './support/exactly-once.util.js';

const WORKERS = 8;
/** Every fifth request is a batch of three records, so records of one request span partitions. */
const BATCH_EVERY = 5;

/**
 * docs/reliability.md, "Broker killed and restarted while publishers run": a broker of its own is
 * SIGKILLed under load and restarted on the same port and data dir. During the outage clients get
 * 503 kafka-unavailable with Retry-After and no receipt; afterwards the same gateway publishes
 * again; clients retrying with their Idempotency-Key end with exactly one record each in Kafka.
 */
describe('broker SIGKILLed and restarted while publishers run', () => {
  let kafka: RestartableKafkaHandle;
  let gateway: RunningGateway;
  let publisher: TestAgency;
  const run = runDigits();

  beforeAll(async () => {
    kafka = await startRestartableKafka({ env: { ...process.env, KAFKA_BROKERS: '' } });
    gateway = await startGateway({
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_PRODUCE_RETRIES: '1',
      KAFKA_PRODUCE_TIMEOUT_MS: '2000',
      RETRY_AFTER_SECONDS: '1',
    });
    publisher = await gateway.publisher();
  }, 240_000);

  afterAll(async () => {
    await gateway?.close();
    await kafka?.stop();
  });

  it('answers 503 with Retry-After during the outage, recovers, and writes every key exactly once', async () => {
    const counts = new OutcomeCounts();
    const received: ReceivedRecord[] = [];
    const options = {
      url: () => gateway.url,
      auth: () => publisher.auth(),
      counts,
      expected: (status: number, code: string | undefined) =>
        status === 503 && (code === 'kafka-unavailable' || code === 'idempotency-store-unavailable'),
    };
    let next = 0;
    let stopping = false;
    const worker = async (): Promise<void> => {
      while (!stopping) {
        const n = next++;
        const batch = n % BATCH_EVERY === 0;
        const body = batch
          ? `[${[0, 1, 2].map((i) => dossier(run, n * 10 + i)).join(',')}]`
          : dossier(run, n * 10);
        const key = `broker-restart-${run}-${n}`;
        const answer = await publishUntilAccepted(options, key, body, batch);
        received.push(...receivedRecords(key, body, answer, batch));
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    const accepted = (): number => counts.get('accepted') + counts.get('accepted-recovered');

    await pollUntil(() => accepted() >= 40, { timeoutMs: 60_000, description: 'receipts before the crash' });
    await kafka.kill('SIGKILL');
    await pollUntil(() => counts.get('503:kafka-unavailable') >= 2 * WORKERS, {
      timeoutMs: 60_000,
      description: '503s during the outage',
    });
    const acceptedDuringOutage = accepted();
    await kafka.restart();
    // The same gateway publishes again, without a restart of its own.
    await pollUntil(() => accepted() >= acceptedDuringOutage + 40, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: 'receipts after the broker came back',
    });
    stopping = true;
    await Promise.all(workers);

    const records = await readBackTopic(kafka.brokers);
    const jwks = await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json();
    const report = await checkExactlyOnce(records, received, jwks, publisher.id);
    // For docs/reliability.md: what the clients saw and what Kafka holds.
    process.stdout.write(
      `broker-restart: ${JSON.stringify({ ...report, topicRecords: records.length, answers: counts.toJSON() })}\n`,
    );
    expect(report.keys).toBe(next);
    expect(records.length).toBe(report.recordsWithTags);
    expect(counts.get('503:kafka-unavailable')).toBeGreaterThanOrEqual(2 * WORKERS);
  });
});
