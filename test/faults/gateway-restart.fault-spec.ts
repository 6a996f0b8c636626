import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CE_HEADERS, IDEMPOTENCY_RECORD_HEADER } from '@lienthong/contracts';
import {
  RedisIdempotencyStore,
  idempotencyRecordTag,
  idempotencyScope,
  requestFingerprint,
} from '@lienthong/idempotency';
import { Redis } from 'ioredis';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import type { ReceivedRecord } from './support/exactly-once.util.js';
import {
  FAULT_TYPE,
  OutcomeCounts,
  checkExactlyOnce,
  dossier,
  publishUntilAccepted,
  readBackTopic,
  receivedRecords,
  runDigits,
} from './support/exactly-once.util.js';
import { freePort } from '../support/free-port.util.js';
import { GatewayProcess } from './support/gateway-process.js';

const WORKERS = 12;
const BATCH_EVERY = 4;
const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

/**
 * docs/reliability.md, "Gateway killed mid-load and restarted": the gateway runs as a child
 * process with its idempotency store in Redis, is SIGKILLed while publishers run, and starts
 * again on the same port. Clients retrying with the same Idempotency-Key get one record each:
 * a key whose claim the dead process held is taken over once its lease lapses, and the retry
 * answers from the record the dead process wrote, if it wrote one.
 */
describe('gateway SIGKILLed mid-load and restarted', () => {
  let setup: RunningGateway;
  let publisher: TestAgency;
  let child: GatewayProcess;
  const run = runDigits();

  beforeAll(async () => {
    // An in-process gateway registers the publisher; the child shares its issuer and keys.
    setup = await startGateway();
    publisher = await setup.publisher();
    child = new GatewayProcess(await freePort(), {
      GATEWAY_ISSUER: setup.config.issuer,
      GATEWAY_SIGNING_KEYS_FILE: setup.config.signingKeysFile!,
      BOOTSTRAP_OPERATOR_ID: setup.config.bootstrapOperatorId,
      BOOTSTRAP_OPERATOR_JWKS: setup.config.bootstrapOperatorJwks ?? '',
      REDIS_URL,
      RETRY_AFTER_SECONDS: '1',
    });
    await child.start();
  }, 240_000);

  afterAll(async () => {
    await child?.kill();
    await setup?.close();
    if (publisher) {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`lienthong:idem:${publisher.id}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('writes every key exactly once across a SIGKILL and a restart', async () => {
    const counts = new OutcomeCounts();
    const received: ReceivedRecord[] = [];
    const options = {
      url: () => child.url,
      auth: () => publisher.auth(),
      counts,
      // While the dead process's claims hold: 409 with Retry-After, never a second write.
      expected: (status: number, code: string | undefined) =>
        (status === 409 && code === 'idempotency-request-in-flight') ||
        (status === 503 && code === 'kafka-unavailable'),
      maxPauseMs: 2_000,
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
        const key = `gateway-restart-${run}-${n}`;
        const answer = await publishUntilAccepted(options, key, body, batch);
        received.push(...receivedRecords(key, body, answer, batch));
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    const accepted = (): number => counts.get('accepted') + counts.get('accepted-recovered');

    await pollUntil(() => accepted() >= 80, { timeoutMs: 60_000, description: 'receipts before the kill' });
    await child.kill();
    const beforeRestart = accepted();
    await child.start();
    await pollUntil(() => accepted() >= beforeRestart + 80, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: `receipts after the restart (${child.recentOutput()})`,
    });
    stopping = true;
    await Promise.all(workers);

    const records = await readBackTopic(setup.config.kafkaBrokers);
    const jwks = await (await fetch(`${child.url}/.well-known/jwks.json`)).json();
    const report = await checkExactlyOnce(records, received, jwks, publisher.id);
    process.stdout.write(`gateway-restart: ${JSON.stringify({ ...report, answers: counts.toJSON() })}\n`);
    expect(report.keys).toBe(next);
    expect(counts.byKind.size).toBeGreaterThan(1);
  });

  // Whether the kill above lands between a Kafka ack and the stored answer is up to timing; this
  // puts a key in exactly that state: its record is in Kafka, its claim is held by a process
  // that died (lease lapsed), no answer was stored.
  it.each([false, true])('answers a retry from the record a dead holder wrote (batch: %s)', async (batch) => {
    const path = `/v1/messages/${FAULT_TYPE}${batch ? '/batch' : ''}`;
    const key = `dead-holder-${run}-${String(batch)}`;
    const body = batch
      ? `[${[1, 2, 3].map((i) => dossier(run, 90_000 + i)).join(',')}]`
      : dossier(run, 90_000);
    const publish = () =>
      fetch(`${child.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...publisher.auth() },
        body,
      });
    const first = await publish();
    expect(first.status).toBe(batch ? 200 : 202);
    const original = (await first.json()) as Record<string, unknown>;

    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const scope = idempotencyScope(publisher.id, 'POST', path);
      const fingerprint = requestFingerprint('POST', path, Buffer.from(body), { schemaVersion: '' });
      const started = Date.now() - 60_000;
      const redisKey = new RedisIdempotencyStore({ redis }).redisKey(scope, key);
      const deadClaim = {
        v: 1,
        fp: fingerprint,
        state: 'in-flight',
        tok: 'dead',
        t0: started,
        t1: started,
        n: 1,
        lu: started + 15_000,
      };
      await redis.set(redisKey, JSON.stringify(deadClaim), 'PX', 3_600_000);

      const retry = await publish();
      expect(retry.status).toBe(batch ? 200 : 202);
      expect(retry.headers.get('idempotent-recovered')).toBe(batch ? '3' : '1');
      const recovered = (await retry.json()) as Record<string, unknown>;
      const coordinates = (answer: Record<string, unknown>) =>
        batch
          ? answer['results']
          : [answer['id'], answer['partition'], answer['offset'], answer['acceptedAt']];
      expect(coordinates(recovered)).toEqual(coordinates(original));

      const tag = idempotencyRecordTag(scope, key);
      const records = await readBackTopic(setup.config.kafkaBrokers);
      const tagged = records.filter((r) => r.headers[IDEMPOTENCY_RECORD_HEADER] === tag);
      expect(tagged.map((r) => r.headers[CE_HEADERS.source])).toEqual(
        Array(batch ? 3 : 1).fill(publisher.id),
      );
      // The answer is stored now: a further retry replays it.
      const again = await publish();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await redis.quit();
    }
  });
});
