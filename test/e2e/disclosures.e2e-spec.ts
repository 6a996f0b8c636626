import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '@lienthong/audit';
import { readAuditTopic } from '@lienthong/audit';
import { DISCLOSURE_TOPIC, subjectHash } from '@lienthong/contracts';
import { createKafkaClient } from '@lienthong/kafka';
import { DISCLOSURE_SIGNATURE_HEADER, verifyDisclosureAnswer } from '@lienthong/trust';
import { exportJWK } from 'jose';
import type { Kafka } from 'kafkajs';
import { runCli } from '../../apps/cli/src/cli.js';
import type { CliContext } from '../../apps/cli/src/common/cli-context.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { TEST_DISCLOSURE_BASIS, TEST_DISCLOSURE_SECRET, startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { WebhookReceiver, startRouter } from '../support/router.util.js';

const RUN = randomBytes(3).toString('hex');
const TYPE = `disclosure-test.t${RUN}`;
/** A citizen id no other test uses: recognisable in any byte it should never reach. */
const CITIZEN = `0791${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
const NEIGHBOUR = `0792${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['recordNo', 'citizenId', 'fullName'],
  properties: {
    recordNo: { type: 'string', maxLength: 40 },
    citizenId: { type: 'string', pattern: '^[0-9]{12}$' },
    fullName: { type: 'string', maxLength: 100 },
    note: { type: 'string', maxLength: 200 },
  },
};

interface Answer {
  subjectId: string;
  requestedBy: string;
  scope: unknown;
  disclosures: {
    disclosedAt: string;
    type: string;
    recordId: string;
    publisher: string;
    recipient: string;
    subscription: string;
    channel: string;
    fields: string[];
    purpose?: unknown;
    legalBasis?: string;
    attempt: number;
  }[];
  nextCursor?: string;
}

describe('disclosure log: recorded by the router, looked up per data subject, signed', () => {
  const lines: string[] = [];
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let kafka: Kafka;
  let owner: TestAgency; // owns TYPE, publishes it, data-subject officer
  let inboxed: TestAgency; // personal-data grant, whole records to its inbox
  let hooked: TestAgency; // personal-data grant, webhook, projection keeping /fullName
  let plain: TestAgency; // no personal-data grant: receives no personal field
  let officerElsewhere: TestAgency; // data-subject officer of an agency owning no type
  let stranger: TestAgency; // subscriber role only
  let disclosures: RecordCollector;
  const hook = new WebhookReceiver();
  const published: string[] = [];
  const subscriptions: Record<string, string> = {};

  const api = async (agency: TestAgency, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...agency.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const lookup = async (agency: TestAgency, subject: string, query = '') => {
    const response = await api(agency, 'GET', `/v1/data-subjects/${subject}/disclosures${query}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    return { response, bytes, text: bytes.toString('utf8') };
  };

  const lookupAll = async (agency: TestAgency, subject = CITIZEN): Promise<Answer> => {
    const { response, text } = await lookup(agency, subject);
    if (response.status !== 200) throw new Error(`lookup: ${response.status} ${text}`);
    return JSON.parse(text) as Answer;
  };

  const publish = async (n: number, citizenId = CITIZEN) => {
    const response = await api(owner, 'POST', `/v1/messages/${TYPE}`, {
      recordNo: `R-${RUN}-${n}`,
      citizenId,
      fullName: 'Trần Thị Disclosure',
      note: 'không có gì',
    });
    if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
    const id = ((await response.json()) as { id: string }).id;
    published.push(id);
    return id;
  };

  const subscribe = async (agency: TestAgency, body: Record<string, unknown>) => {
    const response = await api(agency, 'POST', '/v1/subscriptions', body);
    if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  };

  // The broker and its audit topic are shared with other test files: read from this file's start.
  const startedAt = new Date();
  beforeAll(async () => {
    gateway = await startGateway(
      { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      {
        logger: ['log', 'warn', 'error'],
        logDestination: { write: (line: string) => void lines.push(line) },
      },
    );
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `disclosures-e2e-${RUN}` });
    owner = await gateway.createAgency({ roles: ['publisher', 'integrator', 'data-subject-officer'] });
    const registered = await api(owner, 'POST', `/v1/schemas/${TYPE}/versions`, {
      schema,
      metadata: {
        owner: owner.id,
        description: { vi: 'Bản ghi thử nhật ký cung cấp', en: 'Disclosure log test record' },
        keyPointer: '/recordNo',
        personalData: ['/citizenId', '/fullName'],
        dataSubject: ['/citizenId'],
      },
    });
    if (registered.status !== 201)
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
    const granted = await api(gateway.operator, 'PUT', `/v1/agencies/${owner.id}/grants/publish/${TYPE}`);
    if (granted.status !== 200) throw new Error(`grant: ${granted.status}`);
    const personal = { subscribe: [TYPE], 'subscribe-personal-data': [TYPE] };
    [inboxed, hooked, plain, officerElsewhere, stranger] = await Promise.all([
      gateway.createAgency({ roles: ['subscriber'], grants: personal }),
      gateway.createAgency({ roles: ['subscriber'], grants: personal }),
      gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [TYPE] } }),
      gateway.createAgency({ roles: ['data-subject-officer'] }),
      gateway.createAgency({ roles: ['subscriber'] }),
    ]);
    await hook.start();
    hook.status = 500; // the first attempt fails: the retry that succeeds is the disclosure
    subscriptions['inboxed'] = await subscribe(inboxed, {
      types: [TYPE],
      delivery: { mode: 'kafka' },
      ...TEST_DISCLOSURE_BASIS,
    });
    subscriptions['hooked'] = await subscribe(hooked, {
      types: [TYPE],
      projection: ['/recordNo', '/fullName'],
      delivery: { mode: 'webhook', url: hook.url },
      ...TEST_DISCLOSURE_BASIS,
    });
    subscriptions['plain'] = await subscribe(plain, { types: [TYPE], delivery: { mode: 'kafka' } });
    router = await startRouter(gateway.config.signingKeysFile);
    disclosures = new RecordCollector(kafka);
    await disclosures.start([DISCLOSURE_TOPIC]);

    await publish(1);
    await pollUntil(() => hook.received.length >= 1, {
      timeoutMs: 30_000,
      description: 'first webhook attempt',
    });
    hook.status = 200;
    await publish(2);
    await publish(3);
    await publish(4, NEIGHBOUR);
    await pollUntil(async () => (await lookupAll(gateway.operator)).disclosures.length >= 6, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'six disclosures of the citizen indexed',
    });
  }, 240_000);

  afterAll(async () => {
    await disclosures?.stop();
    await router?.close();
    await hook.stop();
    await gateway?.close();
  });

  it('records each delivery that carried personal fields, with what, to whom, why and when', async () => {
    const answer = await lookupAll(gateway.operator);
    expect(answer).toMatchObject({
      subjectId: CITIZEN,
      requestedBy: gateway.operator.id,
      scope: { all: true },
    });
    expect(answer.disclosures).toHaveLength(6);
    const times = answer.disclosures.map((d) => Date.parse(d.disclosedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first
    expect(new Set(answer.disclosures.map((d) => d.recordId))).toEqual(new Set(published.slice(0, 3)));
    const byRecipient = (id: string) => answer.disclosures.filter((d) => d.recipient === id);
    expect(byRecipient(plain.id)).toEqual([]);
    for (const d of byRecipient(inboxed.id)) {
      expect(d).toMatchObject({
        type: TYPE,
        publisher: owner.id,
        subscription: subscriptions['inboxed'],
        channel: 'inbox',
        fields: ['/citizenId', '/fullName'],
        purpose: TEST_DISCLOSURE_BASIS.purpose,
        legalBasis: TEST_DISCLOSURE_BASIS.legalBasis,
        attempt: 1,
      });
    }
    const webhooks = byRecipient(hooked.id);
    expect(webhooks).toHaveLength(3);
    for (const d of webhooks) expect(d).toMatchObject({ channel: 'webhook', fields: ['/fullName'] });
    // The first record's webhook failed once: its disclosure is the retry that succeeded.
    expect(webhooks.find((d) => d.recordId === published[0])?.attempt).toBe(2);
    expect((await lookupAll(gateway.operator, NEIGHBOUR)).disclosures).toHaveLength(2);
  });

  it('signs the exact answer bytes with a key of the gateway JWKS', async () => {
    const { response, bytes } = await lookup(gateway.operator, CITIZEN);
    const signature = response.headers.get(DISCLOSURE_SIGNATURE_HEADER) ?? undefined;
    const jwks: unknown = await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json();
    await expect(
      verifyDisclosureAnswer(signature, bytes, jwks, { issuer: gateway.config.issuer }),
    ).resolves.toMatchObject({
      issuer: gateway.config.issuer,
    });
    const tampered = Buffer.from(bytes.toString('utf8').replace(/"attempt":1/, '"attempt":3'));
    await expect(verifyDisclosureAnswer(signature, tampered, jwks)).rejects.toMatchObject({
      reason: 'signature-invalid',
    });
  });

  it("lets the owner's data-subject officer look up; refuses other agencies without echoing the id", async () => {
    const own = await lookupAll(owner);
    expect(own.scope).toEqual({ owner: owner.id });
    expect(own.disclosures).toHaveLength(6);
    for (const agency of [officerElsewhere, stranger, inboxed]) {
      const { response, text } = await lookup(agency, CITIZEN);
      expect(response.status).toBe(403);
      expect(text).not.toContain(CITIZEN);
    }
    const bad = await lookup(gateway.operator, CITIZEN, '?limit=0');
    expect(bad.response.status).toBe(400);
    expect(bad.text).not.toContain(CITIZEN);
  });

  it('pages newest first with a cursor, and narrows to since/until', async () => {
    const all = (await lookupAll(gateway.operator)).disclosures;
    const first = JSON.parse((await lookup(gateway.operator, CITIZEN, '?limit=4')).text) as Answer;
    expect(first.disclosures).toEqual(all.slice(0, 4));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = JSON.parse(
      (await lookup(gateway.operator, CITIZEN, `?limit=4&cursor=${first.nextCursor!}`)).text,
    ) as Answer;
    expect(second.disclosures).toEqual(all.slice(4));
    expect(second.nextCursor).toBeUndefined();

    // Deliveries of one chunk share a time: narrow between two distinct ones (since < until).
    const times = [...new Set(all.map((d) => d.disclosedAt))];
    expect(times.length).toBeGreaterThanOrEqual(2);
    const since = times[times.length - 1]!;
    const until = times[0]!;
    const window = JSON.parse(
      (await lookup(gateway.operator, CITIZEN, `?since=${since}&until=${until}`)).text,
    ) as Answer;
    const expected = all.filter((d) => d.disclosedAt >= since && d.disclosedAt < until);
    expect(window.disclosures).toEqual(expected);
    expect(window.disclosures.length).toBeGreaterThan(0);
  });

  it('keeps the clear subject id out of the disclosures topic: only its keyed hash', async () => {
    const hash = subjectHash(TEST_DISCLOSURE_SECRET, CITIZEN);
    const ours = await pollUntil(
      () => {
        const found = disclosures.all.filter((r) => r.key?.toString() === hash);
        const deliveries = found.reduce(
          (n, r) => n + (JSON.parse(r.value!.toString()) as { deliveries: unknown[] }).deliveries.length,
          0,
        );
        return deliveries >= 6 ? found : undefined;
      },
      { timeoutMs: 30_000, description: 'disclosure events collected' },
    );
    // One event per record and subject per hand-off: fewer events than deliveries.
    expect(ours.length).toBeGreaterThanOrEqual(3);
    for (const record of disclosures.all) {
      const bytes = Buffer.concat([
        record.key ?? Buffer.alloc(0),
        record.value ?? Buffer.alloc(0),
        Buffer.from(JSON.stringify(record.headers)),
      ]).toString('utf8');
      expect(bytes).not.toContain(CITIZEN);
      expect(bytes).not.toContain(NEIGHBOUR);
    }
  });

  it('keeps the subject id out of the logs, and audits each lookup by its hash in the signed trail', async () => {
    const all = lines.join('');
    expect(all).not.toContain(CITIZEN);
    expect(all).not.toContain(NEIGHBOUR);
    expect(lines.some((l) => l.includes('/v1/data-subjects/:subjectId/disclosures'))).toBe(true);
    // Each lookup was acknowledged in lienthong.audit before it was answered.
    const trail = await readAuditTopic(kafka, { since: startedAt });
    const lookups = trail.entries
      .map((e) => JSON.parse(e.value?.toString('utf8') ?? 'null') as AuditEvent)
      .filter((e) => e.kind === 'disclosure-lookup');
    const hash = subjectHash(TEST_DISCLOSURE_SECRET, CITIZEN);
    expect(lookups.filter((e) => e.detail?.includes(`subject=${hash}`)).map((e) => e.actor)).toEqual(
      expect.arrayContaining([gateway.operator.id, owner.id]),
    );
    const bytes = trail.entries.map((e) => e.value?.toString('utf8') ?? '').join('\n');
    expect(bytes).not.toContain(CITIZEN);
    expect(bytes).not.toContain(NEIGHBOUR);
  });

  describe('lienthong disclosures (the CLI)', () => {
    const cli = async (args: string[], fetcher: typeof fetch = fetch) => {
      const dir = mkdtempSync(join(tmpdir(), 'lienthong-disclosures-cli-'));
      writeFileSync(
        join(dir, 'owner.private.jwk.json'),
        JSON.stringify({ ...(await exportJWK(owner.privateKey)), kid: owner.kid, alg: 'ES256' }),
      );
      const out = { stdout: '', stderr: '' };
      const ctx: CliContext = {
        env: {},
        cwd: dir,
        stdout: (t) => void (out.stdout += t),
        stderr: (t) => void (out.stderr += t),
        fetch: fetcher,
      };
      const credentials = ['--gateway', gateway.url, '--agency', owner.id, '--key', 'owner.private.jwk.json'];
      const code = await runCli([...args, ...credentials, '--issuer', gateway.config.issuer], ctx);
      return { code, ...out };
    };

    it('fetches every page, verifies each signature and prints the disclosures, bilingual summary', async () => {
      const result = await cli(['disclosures', CITIZEN]);
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as Answer;
      expect(printed.disclosures).toEqual((await lookupAll(gateway.operator)).disclosures);
      expect(result.stderr).toContain('6 disclosure(s) to 2 agency(ies)');
      expect(result.stderr).toContain('6 lần cung cấp dữ liệu cho 2 cơ quan');
      const since = printed.disclosures[2]!.disclosedAt;
      const narrowed = await cli(['disclosures', CITIZEN, '--since', since]);
      expect((JSON.parse(narrowed.stdout) as Answer).disclosures).toEqual(
        printed.disclosures.filter((d) => d.disclosedAt >= since),
      );
    });

    it('exits 1 when an answer was changed on its way', async () => {
      const tampering: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (!url.includes('/disclosures')) return response;
        const text = (await response.text()).replace('"attempt":1', '"attempt":4');
        return new Response(text, { status: response.status, headers: response.headers });
      };
      const result = await cli(['disclosures', CITIZEN], tampering);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('signature-invalid');
    });
  });
});
