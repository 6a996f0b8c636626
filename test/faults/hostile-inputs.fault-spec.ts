import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CE_HEADERS, recordTopic } from '@lienthong/contracts';
import { createKafkaClient } from '@lienthong/kafka';
import { AccessTokenIssuer, GatewayKeyring, signDetached } from '@lienthong/trust';
import { SignJWT, generateKeyPair } from 'jose';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { topicEndOffsets } from '../support/record-collector.util.js';
import { FAULT_TYPE, OutcomeCounts, dossier, readBackTopic, runDigits } from './support/exactly-once.util.js';

const MAX_BODY_BYTES = 65_536;
const HOSTILE_WORKERS = 4;
const LEGIT_WORKERS = 4;
const ROUNDS = 6;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

interface HostileCase {
  name: string;
  send: () => Promise<Answer>;
  status: number;
  code: string;
}

/**
 * docs/reliability.md, "Oversized, malformed and hostile inputs under legitimate load": hostile
 * requests fired in a loop from several connections while legitimate publishers run. Every
 * legitimate publish gets a receipt; every hostile request gets an RFC 9457 problem with its
 * stable code; nothing hostile reaches Kafka (records in the topic = legitimate receipts); the
 * process stays up.
 */
describe('hostile inputs under legitimate load', () => {
  let gateway: RunningGateway;
  let legit: TestAgency;
  let hostile: TestAgency;
  const run = runDigits();
  let n = 0;

  beforeAll(async () => {
    gateway = await startGateway({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    legit = await gateway.createAgency({ grants: { publish: [FAULT_TYPE] } });
    hostile = await gateway.createAgency({ grants: { publish: [FAULT_TYPE] } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = async (
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<Answer> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers,
      ...(method === 'GET' ? {} : { body }),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  };

  /** A request Node's HTTP parser sees as written (what fetch would refuse to send). */
  const raw = (text: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(gateway.url).port) });
      let out = '';
      socket.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        const contentType = /^content-type: *(.*)$/im.exec(head)?.[1] ?? '';
        resolve({ status, contentType, body });
      });
      socket.end(text);
    });

  const json = (extra: Record<string, string> = {}): Record<string, string> => ({
    'content-type': 'application/json',
    ...hostile.auth(),
    ...extra,
  });
  const single = `/v1/messages/${FAULT_TYPE}`;
  const batch = `/v1/messages/${FAULT_TYPE}/batch`;
  const record = (): string => dossier(run, 50_000 + n++);

  async function hostileCases(): Promise<HostileCase[]> {
    const keysFile = gateway.config.signingKeysFile!;
    const keyring = await GatewayKeyring.fromPrivateJwks(readFileSync(keysFile, 'utf8'));
    const kid = keyring.signingKey().kid;
    const issue = (agencyId: string, nowMs: number) =>
      new AccessTokenIssuer(keyring, {
        issuer: gateway.config.issuer,
        audience: gateway.config.issuer,
        now: () => nowMs,
      }).issueAccessToken({
        agencyId,
        roles: ['publisher'],
        grants: { publish: [FAULT_TYPE], subscribe: [] },
      });
    const expired = (await issue(hostile.id, Date.now() - 30 * 60_000)).token;
    const unknownAgency = (await issue('999.99.99.Z99', Date.now())).token;
    const { privateKey: attackerKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({
      client_id: hostile.id,
      lienthong: { roles: ['publisher'], publish: [FAULT_TYPE], subscribe: [] },
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(gateway.config.issuer)
      .setAudience(gateway.config.issuer)
      .setSubject(hostile.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('forged')
      .sign(attackerKey);
    const [forgedHeader, forgedPayload] = forged.split('.');
    const algNone = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${forgedPayload}.`;
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const bearer = (token: string) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });
    // Past the record count limit but under the size limit, so the count is what is refused.
    const tooMany = `[${Array.from({ length: 501 }, () => '{}').join(',')}]`;

    return [
      // Size
      {
        name: 'body over the limit',
        send: () => post(single, `{"x":"${'a'.repeat(MAX_BODY_BYTES)}"}`, json()),
        status: 413,
        code: 'payload-too-large',
      },
      {
        name: 'Content-Length above the limit',
        send: () =>
          raw(
            `POST ${single} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${hostile.auth()['authorization']}\r\nContent-Length: 100000000\r\n\r\n{}`,
          ),
        status: 413,
        code: 'payload-too-large',
      },
      {
        name: 'headers over 16 KiB',
        send: () =>
          raw(
            `POST ${single} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`,
          ),
        status: 431,
        code: 'headers-too-large',
      },
      {
        name: '3000 headers',
        send: () =>
          raw(
            `POST ${single} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: 1\r\n`).join('')}Content-Length: 2\r\n\r\n{}`,
          ),
        status: 431,
        code: 'headers-too-large',
      },
      // JSON
      {
        name: 'broken JSON',
        send: () => post(single, '{"dossierCode": ', json()),
        status: 400,
        code: 'malformed-json',
      },
      {
        name: 'trailing garbage',
        send: () => post(single, `${record()} x`, json()),
        status: 400,
        code: 'malformed-json',
      },
      {
        name: 'invalid UTF-8 inside a valid record',
        send: () => post(single, invalidUtf8(record()), json()),
        status: 400,
        code: 'malformed-json',
      },
      {
        name: 'byte order mark',
        send: () => post(single, `\ufeff${record()}`, json()),
        status: 400,
        code: 'malformed-json',
      },
      {
        name: 'duplicate keys',
        send: () => post(single, record().replace('{', '{"status":"RECEIVED",'), json()),
        status: 400,
        code: 'duplicate-json-key',
      },
      {
        name: '__proto__ key',
        send: () => post(single, record().replace('{', '{"__proto__":{"admin":true},'), json()),
        status: 400,
        code: 'forbidden-json-key',
      },
      {
        name: 'nested 2000 deep',
        send: () => post(single, deep(2000), json()),
        status: 400,
        code: 'json-too-deep',
      },
      {
        name: 'arrays nested 30000 deep',
        send: () => post(single, `${'['.repeat(30_000)}${']'.repeat(30_000)}`, json()),
        status: 400,
        code: 'json-too-deep',
      },
      {
        name: 'huge exponent',
        send: () => post(single, record().replace('"RECEIVED"', '1e999999'), json()),
        status: 422,
        code: 'validation-failed',
      },
      {
        name: '20000-digit number',
        send: () => post(single, record().replace('"RECEIVED"', '9'.repeat(20_000)), json()),
        status: 400,
        code: 'unsafe-integer',
      },
      { name: 'empty body', send: () => post(single, '', json()), status: 400, code: 'empty-body' },
      {
        name: 'schema violation',
        send: () => post(single, record().replace('"ONLINE"', '"CARRIER-PIGEON"'), json()),
        status: 422,
        code: 'validation-failed',
      },
      // Content types
      {
        name: 'text/plain',
        send: () => post(single, record(), json({ 'content-type': 'text/plain' })),
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'no content type',
        send: () =>
          raw(
            `POST ${single} HTTP/1.1\r\nHost: x\r\nAuthorization: ${hostile.auth()['authorization']}\r\nContent-Length: 2\r\n\r\n{}`,
          ),
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'latin-1 charset',
        send: () => post(single, record(), json({ 'content-type': 'application/json; charset=iso-8859-1' })),
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'multipart',
        send: () =>
          post(single, '--b\r\n\r\n{}\r\n--b--', json({ 'content-type': 'multipart/form-data; boundary=b' })),
        status: 415,
        code: 'unsupported-media-type',
      },
      // Tokens
      {
        name: 'no token',
        send: () => post(single, record(), { 'content-type': 'application/json' }),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'garbage token',
        send: () => post(single, record(), bearer('not.a.token')),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'forged token (attacker key, gateway kid)',
        send: () => post(single, record(), bearer(forged)),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'alg none',
        send: () => post(single, record(), bearer(algNone)),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'expired token',
        send: () => post(single, record(), bearer(expired)),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'token of an unknown agency',
        send: () => post(single, record(), bearer(unknownAgency)),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'header of a token, no signature',
        send: () => post(single, record(), bearer(`${forgedHeader}.${forgedPayload}`)),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: 'Basic credentials',
        send: () =>
          post(single, record(), { 'content-type': 'application/json', authorization: 'Basic YTpi' }),
        status: 401,
        code: 'invalid-token',
      },
      {
        name: '15 KB token',
        send: () => post(single, record(), bearer('a'.repeat(15_000))),
        status: 401,
        code: 'invalid-token',
      },
      // Headers
      {
        name: 'CloudEvents header from the client',
        send: () => post(single, record(), json({ ce_id: 'spoofed' })),
        status: 400,
        code: 'gateway-owned-header',
      },
      {
        name: 'publisher-signature header from the client',
        send: () => post(single, record(), json({ 'lienthong-publisher-signature': 'x' })),
        status: 400,
        code: 'gateway-owned-header',
      },
      {
        name: 'bad traceparent',
        send: () => post(single, record(), json({ traceparent: '00-zz-zz-01' })),
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'bad schema version',
        send: () => post(single, record(), json({ 'lienthong-schema-version': '1; DROP' })),
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'unknown schema version',
        send: () => post(single, record(), json({ 'lienthong-schema-version': '999999' })),
        status: 404,
        code: 'unknown-schema-version',
      },
      {
        name: 'two Idempotency-Keys',
        send: () => post(single, record(), json({ 'idempotency-key': 'a, b' })),
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'Idempotency-Key of 300 characters',
        send: () => post(single, record(), json({ 'idempotency-key': 'k'.repeat(300) })),
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'garbage signature',
        send: () => post(single, record(), json({ 'lienthong-signature': 'a..b' })),
        status: 400,
        code: 'invalid-publisher-signature',
      },
      {
        name: 'signature over another body',
        send: async () => {
          const signature = await signDetached(
            Buffer.from(record()),
            FAULT_TYPE,
            hostile.privateKey,
            hostile.kid,
          );
          return post(single, record(), json({ 'lienthong-signature': signature }));
        },
        status: 400,
        code: 'invalid-publisher-signature',
      },
      {
        name: 'Content-Length with Transfer-Encoding',
        send: () =>
          raw(
            `POST ${single} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
          ),
        status: 400,
        code: 'bad-request',
      },
      { name: 'not HTTP at all', send: () => raw('GARBAGE\r\n\r\n'), status: 400, code: 'bad-request' },
      // Types and routes
      {
        name: 'unknown type',
        send: () => post('/v1/messages/no.such.type', record(), json()),
        status: 404,
        code: 'unknown-type',
      },
      {
        name: 'path traversal as a type',
        send: () => post('/v1/messages/..%2F..%2Fetc%2Fpasswd', record(), json()),
        status: 400,
        code: 'invalid-type-name',
      },
      {
        name: '101-character type',
        send: () => post(`/v1/messages/a.${'b'.repeat(99)}`, record(), json()),
        status: 400,
        code: 'invalid-type-name',
      },
      {
        name: '5000-character type (past the router 1024-character parameter limit)',
        send: () => post(`/v1/messages/${'a'.repeat(5000)}`, record(), json()),
        status: 404,
        code: 'route-not-found',
      },
      {
        name: 'bad percent-encoding',
        send: () => post('/v1/messages/%E0%A4%A', record(), json()),
        status: 400,
        code: 'bad-request',
      },
      {
        name: 'GET on the publish route',
        send: () => post(single, '', hostile.auth(), 'GET'),
        status: 404,
        code: 'route-not-found',
      },
      // Batches
      { name: '501 records', send: () => post(batch, tooMany, json()), status: 413, code: 'batch-too-large' },
      { name: 'empty batch', send: () => post(batch, '[]', json()), status: 400, code: 'empty-body' },
      {
        name: 'batch that is an object',
        send: () => post(batch, record(), json()),
        status: 422,
        code: 'validation-failed',
      },
      {
        name: 'signed batch',
        send: () => post(batch, `[${record()}]`, json({ 'lienthong-signature': 'a..b' })),
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'batch over the size limit',
        send: () => post(batch, `[${Array.from({ length: 200 }, () => record()).join(',')}]`, json()),
        status: 413,
        code: 'payload-too-large',
      },
      {
        name: 'batch with a duplicate key in one record',
        send: () => post(batch, `[${record()},${record().replace('{', '{"status":"X",')}]`, json()),
        status: 400,
        code: 'duplicate-json-key',
      },
    ];
  }

  it('keeps legitimate traffic flowing and lets nothing hostile reach Kafka', async () => {
    const kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `hostile-${run}` });
    const topic = recordTopic(FAULT_TYPE);
    const before = await topicEndOffsets(kafka, topic);
    const cases = await hostileCases();
    const counts = new OutcomeCounts();
    const receipts = new Set<string>();
    const failures: string[] = [];

    let hostileDone = false;
    const legitWorker = async (): Promise<void> => {
      while (!hostileDone || receipts.size < 40) {
        const response = await fetch(`${gateway.url}${single}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...legit.auth() },
          body: dossier(run, n++),
        });
        const answer = (await response.json()) as Record<string, unknown>;
        if (response.status !== 202) failures.push(`legitimate publish answered ${response.status}`);
        else receipts.add(answer['id'] as string);
      }
    };
    let nextCase = 0;
    const hostileWorker = async (): Promise<void> => {
      for (let i = nextCase++; i < cases.length * ROUNDS; i = nextCase++) {
        const c = cases[i % cases.length]!;
        const answer = await c.send();
        counts.add(c.name);
        let problem: Record<string, unknown> = {};
        try {
          problem = JSON.parse(answer.body) as Record<string, unknown>;
        } catch {
          // reported below
        }
        const seen = `${answer.status} ${answer.contentType.split(';')[0]} ${String(problem['code'])}`;
        const wanted = `${c.status} application/problem+json ${c.code}`;
        if (seen !== wanted || typeof problem['correlationId'] !== 'string') {
          failures.push(`${c.name}: got ${seen} ${answer.body.slice(0, 200)}, want ${wanted}`);
        }
      }
    };
    const legitWorkers = Array.from({ length: LEGIT_WORKERS }, legitWorker);
    await Promise.all(Array.from({ length: HOSTILE_WORKERS }, hostileWorker));
    const receiptsWhileHostile = receipts.size;
    hostileDone = true;
    await Promise.all(legitWorkers);

    expect([...new Set(failures)]).toEqual([]);
    // Still up, still ready.
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);

    // Kafka holds exactly the legitimate records: counted by offsets and read back.
    const after = await topicEndOffsets(kafka, topic);
    expect(Number(after - before)).toBe(receipts.size);
    const records = await readBackTopic(gateway.config.kafkaBrokers);
    const fromLegit = records.filter((r) => r.headers[CE_HEADERS.source] === legit.id);
    const fromHostile = records.filter((r) => r.headers[CE_HEADERS.source] === hostile.id);
    expect(fromHostile).toHaveLength(0);
    expect(new Set(fromLegit.map((r) => r.headers[CE_HEADERS.id]))).toEqual(receipts);
    expect(fromLegit).toHaveLength(receipts.size);

    const hostileRequests = [...counts.byKind.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      `hostile-inputs: ${JSON.stringify({
        cases: cases.length,
        hostileRequests,
        legitimateReceipts: receipts.size,
        receiptsWhileHostile,
        topicRecordsAdded: Number(after - before),
        hostileRecordsInKafka: fromHostile.length,
      })}\n`,
    );
    expect(receiptsWhileHostile).toBeGreaterThan(0);
  });
});

/** A well-formed record whose applicant name holds the bytes FF FE: valid JSON, invalid UTF-8. */
function invalidUtf8(record: string): Buffer {
  const body = Buffer.from(record.replace('Lê Minh Tâm', 'L@@'), 'utf8');
  const at = body.indexOf('L@@') + 1;
  body[at] = 0xff;
  body[at + 1] = 0xfe;
  return body;
}
