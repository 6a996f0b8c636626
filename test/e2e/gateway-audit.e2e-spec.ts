import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditCheckpoint, AuditEvent } from '@lienthong/audit';
import { AUDIT_KEY_USE, readAuditTopic } from '@lienthong/audit';
import { createKafkaClient } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import { GatewayAudit } from '../../apps/gateway/src/audit/gateway-audit.service.js';
import { runCli } from '../../apps/cli/src/cli.js';
import { createTestContext } from '../../apps/cli/src/testing/cli-test-context.util.js';
import type { TestAgency } from '../support/agencies.util.js';
import { dossierStatusRecord } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';

const TYPE = 'procedure.dossier-status';
const RUN = randomBytes(4).toString('hex');
/** Personal values that must never reach the audit trail. */
const CITIZEN_ID = `0790${String(Date.now()).slice(-8)}`;
/** Letters only (the schema's name pattern), unique per run. */
const FULL_NAME = `Nguyễn Thị ${[...RUN].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('')}`;
const DOSSIER = `000.00.34.H29-251014-${String(Date.now()).slice(-4)}`;
const PHONE = '0987654321';

/**
 * The gateway's own decisions in the signed audit trail: accepted and refused publishes, a
 * schema registration, grants given and taken back, keys and subscriptions, all found in
 * `lienthong.audit`, verified with the CLI, and without a byte of any body.
 */
describe('gateway decisions in lienthong.audit', () => {
  let gateway: RunningGateway;
  let publisher: TestAgency;
  let other: TestAgency;
  let kafka: Kafka;
  // The broker and its audit topic are shared with other test files: read from this file's start.
  const startedAt = new Date();
  const record = {
    ...dossierStatusRecord(DOSSIER),
    applicant: { fullName: FULL_NAME, idNumber: CITIZEN_ID, phone: PHONE },
  };
  const answers: Record<string, { status: number; body: Record<string, unknown> }> = {};
  let subscriptionId = '';
  let events: AuditEvent[] = [];
  let raw = '';

  const call = async (agency: TestAgency, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...agency.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    gateway = await startGateway({ AUDIT_CHECKPOINT_INTERVAL_MS: '300' });
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `gateway-audit-${RUN}` });
    publisher = await gateway.createAgency({
      roles: ['publisher', 'integrator', 'subscriber'],
      grants: { publish: [TYPE], subscribe: [TYPE] },
    });
    other = await gateway.createAgency({ roles: ['publisher'] });

    answers['accepted'] = await call(publisher, 'POST', `/v1/messages/${TYPE}`, record);
    answers['invalid'] = await call(publisher, 'POST', `/v1/messages/${TYPE}`, {
      ...record,
      status: 'NOT-A-STATUS',
    });
    answers['forbidden'] = await call(other, 'POST', `/v1/messages/${TYPE}`, record);
    // A client can put anything in the path: an unregistered "type" never reaches the trail.
    answers['unknown'] = await call(publisher, 'POST', `/v1/messages/citizen.${CITIZEN_ID}`, record);
    answers['schema'] = await call(gateway.operator, 'POST', `/v1/schemas/audit.case-${RUN}/versions`, {
      schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      metadata: {
        owner: gateway.operator.id,
        description: { vi: 'Thử kiểm toán', en: 'Audit test' },
        keyPointer: '/code',
        personalData: [],
        examples: [{ code: 'A-1' }],
      },
    });
    answers['grant'] = await call(gateway.operator, 'PUT', `/v1/agencies/${other.id}/grants/publish/${TYPE}`);
    answers['revoke'] = await call(
      gateway.operator,
      'DELETE',
      `/v1/agencies/${other.id}/grants/publish/${TYPE}`,
    );
    answers['subscribe'] = await call(publisher, 'POST', '/v1/subscriptions', {
      types: [TYPE],
      delivery: { mode: 'kafka' },
    });
    subscriptionId = String(answers['subscribe'].body['id']);
    answers['unsubscribe'] = await call(publisher, 'DELETE', `/v1/subscriptions/${subscriptionId}`);

    const audit = gateway.app.get(GatewayAudit);
    await audit.flush();
    await audit.checkpoint();
    const snapshot = await readAuditTopic(kafka, { since: startedAt });
    raw = snapshot.entries.map((e) => e.value?.toString('utf8') ?? '').join('\n');
    events = snapshot.entries
      .map((e) => JSON.parse(e.value?.toString('utf8') ?? 'null') as AuditEvent | AuditCheckpoint)
      .filter((e): e is AuditEvent => e.kind !== 'checkpoint');
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
  });

  it('answered every request as expected', () => {
    expect(answers['accepted']!.status).toBe(202);
    expect(answers['invalid']!.status).toBe(422);
    expect(answers['forbidden']!.status).toBe(403);
    expect(answers['unknown']!.status).toBeGreaterThanOrEqual(400);
    expect(answers['schema']!.status).toBe(201);
    expect(answers['grant']!.status).toBe(200);
    expect(answers['revoke']!.status).toBe(200);
    expect(answers['subscribe']!.status).toBe(201);
    expect(answers['unsubscribe']!.status).toBeLessThan(300);
  });

  it('publishes its audit key in the JWKS, apart from the token keys', async () => {
    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    const audit = jwks.keys.filter((k) => k['use'] === AUDIT_KEY_USE);
    expect(audit).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })]);
    expect(jwks.keys.filter((k) => k['use'] === 'sig').map((k) => k['kid'])).not.toContain(audit[0]!['kid']);
  });

  it('verifies with lienthong audit verify (exit 0), checkpoint included', async () => {
    const ctx = createTestContext({
      env: { KAFKA_BROKERS: gateway.config.kafkaBrokers.join(',') },
      fetch: globalThis.fetch,
    });
    const exit = await runCli(
      ['audit', 'verify', '--gateway', gateway.url, '--since', startedAt.toISOString(), '--json'],
      ctx,
    );
    const report = JSON.parse(ctx.out) as {
      ok: boolean;
      findings: unknown[];
      unanchored: { writer: string }[];
      keys: string[];
    };
    expect(report.findings).toEqual([]);
    expect(exit).toBe(0);
    const writer = events.find((e) => e.kind === 'publish-accepted')!.writer;
    expect(report.unanchored.filter((r) => r.writer === writer)).toEqual([]);
  });

  it('holds the accepted publish with its record id and body digest, and each refusal with its code', () => {
    const id = answers['accepted']!.body['id'];
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'publish-accepted',
        messageId: id,
        type: TYPE,
        publisher: publisher.id,
        outcome: 'accepted',
        schemaVersion: 1,
        bodySha256: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'publish-refused',
        type: TYPE,
        publisher: publisher.id,
        outcome: 'validation-failed',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'publish-refused',
        type: TYPE,
        publisher: other.id,
        outcome: 'forbidden',
      }),
    );
    const unknown = events.filter(
      (e) => e.kind === 'publish-refused' && e.publisher === publisher.id && e.type === undefined,
    );
    expect(unknown).toHaveLength(1);
  });

  it('holds who registered the schema, who granted and revoked, and the subscription changes', () => {
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'schema-registered',
        type: `audit.case-${RUN}`,
        schemaVersion: 1,
        actor: gateway.operator.id,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'agency-registered', subject: other.id, actor: gateway.operator.id }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'keys-changed', subject: other.id, actor: gateway.operator.id }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'grant-changed',
        subject: other.id,
        type: TYPE,
        detail: 'publish granted',
        actor: gateway.operator.id,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'grant-changed',
        subject: other.id,
        type: TYPE,
        detail: 'publish revoked',
        actor: gateway.operator.id,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'subscription-created',
        subscription: subscriptionId,
        subscriber: publisher.id,
        actor: publisher.id,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'subscription-deleted',
        subscription: subscriptionId,
        actor: publisher.id,
      }),
    );
  });

  it('holds no body byte and no personal value', () => {
    expect(raw.length).toBeGreaterThan(0);
    const body = JSON.stringify(record);
    for (const needle of [
      CITIZEN_ID,
      FULL_NAME,
      PHONE,
      'Lê Minh Tâm',
      DOSSIER,
      Buffer.from(body).toString('base64').slice(0, 40),
    ]) {
      expect(raw).not.toContain(needle);
    }
    // Escaped forms too (JSON would write non-ASCII as is, but check the \\u spelling anyway).
    expect(raw).not.toContain(JSON.stringify(FULL_NAME).slice(1, -1));
  });

  it('keeps acknowledging publishes while audit writes fail, counts the failures, and catches up', async () => {
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return Number(line?.split(' ')[1] ?? 'NaN');
    };
    const failuresBefore = await metric('lienthong_audit_write_failures_total');
    const admin = kafka.admin();
    await admin.connect();
    const setMaxMessageBytes = (value: string) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: AUDIT_TOPIC,
            configEntries: [{ name: 'max.message.bytes', value }],
          },
        ],
      });
    let id: unknown;
    try {
      // Kafka now refuses every audit batch (too large); record topics are untouched.
      await setMaxMessageBytes('64');
      const answer = await call(publisher, 'POST', `/v1/messages/${TYPE}`, record);
      expect(answer.status).toBe(202);
      id = answer.body['id'];
      await pollUntil(async () => (await metric('lienthong_audit_write_failures_total')) > failuresBefore, {
        timeoutMs: 20_000,
        description: 'a failed audit write counted',
      });
    } finally {
      await setMaxMessageBytes('2097152');
      await admin.disconnect();
    }
    const audit = gateway.app.get(GatewayAudit);
    await audit.flush();
    await audit.checkpoint();
    const snapshot = await readAuditTopic(kafka, { since: startedAt });
    const later = snapshot.entries.map((e) => JSON.parse(e.value?.toString('utf8') ?? 'null') as AuditEvent);
    const late = later.find((e) => e.kind === 'publish-accepted' && e.messageId === id);
    expect(late).toBeDefined();
    // The failed write's outcome was unknown to the writer: it went on as a new writer (chain).
    const first = events.find((e) => e.kind === 'publish-accepted')!;
    expect(late!.writer).not.toBe(first.writer);
    const closed = (later as unknown as AuditCheckpoint[])
      .filter((c) => c.kind === 'checkpoint')
      .flatMap((c) => c.heads)
      .filter((h) => h.writer === first.writer && h.closed === true);
    expect(closed.length).toBeGreaterThan(0);
    const ctx = createTestContext({
      env: { KAFKA_BROKERS: gateway.config.kafkaBrokers.join(',') },
      fetch: globalThis.fetch,
    });
    expect(
      await runCli(['audit', 'verify', '--gateway', gateway.url, '--since', startedAt.toISOString()], ctx),
    ).toBe(0);
  }, 60_000);

  it('checkpoints its chain heads on its own, every AUDIT_CHECKPOINT_INTERVAL_MS', async () => {
    const audit = gateway.app.get(GatewayAudit);
    const messageId = `periodic-${RUN}`;
    audit.record({ kind: 'disclosure-lookup', messageId, actor: gateway.operator.id, outcome: 'answered' });
    await audit.flush();
    await pollUntil(
      async () => {
        const snapshot = await readAuditTopic(kafka, { since: startedAt });
        const records = snapshot.entries.map(
          (e) => JSON.parse(e.value?.toString('utf8') ?? 'null') as AuditEvent | AuditCheckpoint,
        );
        const event = records.find(
          (r): r is AuditEvent => r.kind !== 'checkpoint' && r.messageId === messageId,
        );
        if (!event) return false;
        return records.some(
          (r) =>
            r.kind === 'checkpoint' &&
            r.heads.some(
              (h) => h.writer === event.writer && h.partition === event.partition && h.seq >= event.seq,
            ),
        );
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'a periodic checkpoint covering the event' },
    );
  });
});
