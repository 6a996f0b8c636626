import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signDetached } from '@lienthong/trust';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';

const TYPE = 'procedure.dossier-status';
/** A citizen id (12 digits) and a name no other test uses: recognisable anywhere in the logs. */
const CITIZEN_ID = `0790${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
const CITIZEN_NAME = `Nguyễn Văn Logtest ${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
const DIGITS = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');

function dossier(status: string) {
  return {
    dossierCode: `000.00.34.H29-251014-${DIGITS}001`,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    receivingAgency: '000.00.34.H29',
    channel: 'ONLINE',
    applicant: {
      fullName: CITIZEN_NAME,
      idNumber: CITIZEN_ID,
      phone: '0912345678',
      email: 'tam@example.com',
    },
    status,
    submittedAt: '2025-10-13T21:47:03+07:00',
    receivedAt: '2025-10-14T08:05:12+07:00',
    dueAt: '2025-10-21T17:00:00+07:00',
    updatedAt: '2025-10-14T08:05:12+07:00',
  };
}

describe('JSON logs: one line per request, no payloads, no personal data, no credentials', () => {
  const lines: string[] = [];
  let gateway: RunningGateway;
  let publisher: TestAgency;

  beforeAll(async () => {
    gateway = await startGateway(
      {},
      {
        logger: ['log', 'warn', 'error'],
        logDestination: { write: (line: string) => void lines.push(line) },
      },
    );
    publisher = await gateway.publisher();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('logs each request with its id and never the record, the token or the signature', async () => {
    const accepted = JSON.stringify(dossier('RECEIVED'));
    const signature = await signDetached(Buffer.from(accepted), TYPE, publisher.privateKey, publisher.kid);
    const ok = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'lienthong-signature': signature, ...publisher.auth() },
      body: accepted,
    });
    expect([ok.status, ok.status === 202 ? '' : await ok.text()]).toEqual([202, '']);
    const refused = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...publisher.auth() },
      body: JSON.stringify(dossier('NOT-A-STATUS')),
    });
    expect(refused.status).toBe(422);
    const problem = await refused.text();
    // A query string with data: the path is logged, never the query.
    const queried = await fetch(`${gateway.url}/v1/schemas?citizen=${CITIZEN_ID}`, {
      headers: publisher.auth(),
    });
    const ids = [ok, refused, queried].map((r) => r.headers.get('x-request-id')!);
    expect(ids.every((id) => id.length > 0)).toBe(true);
    // The agencies' token requests (startGateway, publisher()) happened above too.

    await pollUntil(() => ids.every((id) => lines.some((l) => l.includes(id))) || undefined, {
      timeoutMs: 5_000,
      description: 'request lines',
    });
    const all = lines.join('');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);

    for (const [i, id] of ids.entries()) {
      const line = entries.find((e) => e['requestId'] === id && e['msg'] === 'request completed');
      expect(line).toMatchObject({
        method: i < 2 ? 'POST' : 'GET',
        route: i < 2 ? '/v1/messages/:type' : '/v1/schemas',
        status: [202, 422, queried.status][i],
        durationMs: expect.any(Number),
      });
    }
    expect(entries.some((e) => e['route'] === '/oauth/token' && e['status'] === 200)).toBe(true);
    expect(problem).toContain(ids[1]!);

    for (const secret of [
      CITIZEN_ID,
      CITIZEN_NAME,
      'Logtest',
      publisher.token,
      gateway.operator.token,
      signature,
      signature.split('.')[2]!,
      'NOT-A-STATUS',
      'Bearer',
      'client_assertion',
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/"authorization"|lienthong-signature|"cookie"|"body"|"payload"/i);
  });
});
