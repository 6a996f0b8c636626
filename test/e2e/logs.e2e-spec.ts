import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GATEWAY_SIGNATURE_HEADER } from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { signDetached } from '@lienthong/trust';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway, TEST_DISCLOSURE_BASIS } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { WebhookReceiver } from '../support/router.util.js';
import { freePort } from '../support/free-port.util.js';
import { builtMain } from '../support/test-build.util.js';

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

describe('gateway JSON logs: one line per request, no payloads, no personal data, no credentials', () => {
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

/** A built app run as operators run it (`node <build>/apps/<app>/src/main.js`), every byte it writes kept. */
class AppProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(main: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [main], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => this.stdout.push(c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => this.stderr.push(c.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything written so far, stdout then stderr. */
  output(): string {
    return this.stdout.join('') + this.stderr.join('');
  }

  /** Every complete line, each parsed as JSON; a line that is not a JSON object fails the test. */
  entries(): Record<string, unknown>[] {
    return this.output()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new Error(`not a JSON line: ${line}`);
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new Error(`not a JSON object: ${line}`);
        return parsed as Record<string, unknown>;
      });
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

describe('router and subscriber demo JSON logs: nothing from records, webhooks or signatures', () => {
  const RUN = randomBytes(3).toString('hex');
  let gateway: RunningGateway;
  let publisher: TestAgency;
  let inboxAgency: TestAgency;
  let hookAgency: TestAgency;
  const hook = new WebhookReceiver();
  let router: AppProcess | undefined;
  let demo: AppProcess | undefined;
  let routerUrl = '';

  beforeAll(async () => {
    gateway = await startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    publisher = await gateway.publisher();
    // Both subscribers may see personal data: the whole record, citizen id included, is what
    // reaches the demo's inbox and the webhook, so it is what must stay out of the logs.
    const grants = { subscribe: [TYPE], 'subscribe-personal-data': [TYPE] };
    [inboxAgency, hookAgency] = await Promise.all([
      gateway.createAgency({ roles: ['subscriber'], grants }),
      gateway.createAgency({ roles: ['subscriber'], grants }),
    ]);
    await hook.start();
    hook.status = 500; // the first attempt fails: the retry path logs too
    for (const [agency, delivery] of [
      [inboxAgency, { mode: 'kafka' }],
      [hookAgency, { mode: 'webhook', url: hook.url }],
    ] as const) {
      const created = await fetch(`${gateway.url}/v1/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...agency.auth() },
        body: JSON.stringify({ types: [TYPE], delivery, ...TEST_DISCLOSURE_BASIS }),
      });
      if (created.status !== 201) throw new Error(`subscribe: ${created.status} ${await created.text()}`);
    }

    // The router creates an inbox on its first delivery and the demo on start; made here first,
    // so neither start races the other's topic creation.
    await ensureTopics(
      createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `logs-e2e-${RUN}` }),
      [{ topic: inboxTopic(inboxAgency.id), numPartitions: 3, replicationFactor: -1 }],
    );

    const routerPort = await freePort();
    routerUrl = `http://127.0.0.1:${routerPort}`;
    router = new AppProcess(builtMain('router'), {
      LOG_LEVEL: 'trace',
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(routerPort),
      ROUTER_CONSUMER_GROUP: `logs-e2e-${RUN}`,
      GATEWAY_SIGNING_KEYS_FILE: gateway.config.signingKeysFile!,
      WEBHOOK_SIGNING_KEY_FILE: '',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
      WEBHOOK_RESPONSE_TIMEOUT_MS: '2000',
      RETRY_DELAYS_MS: '300,600',
      RETRY_JITTER: '0.1',
      ROUTER_TOPIC_REFRESH_MS: '500',
      KEY_PSEUDONYM_SECRET: 'logs-test-key-pseudonym-secret-of-32+chars',
    });
    await pollUntil(
      async () => {
        if (!router!.running) throw new Error(`router exited: ${router!.output()}`);
        return (await fetch(`${routerUrl}/health/ready`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'router ready' },
    );
    demo = new AppProcess(builtMain('subscriber-demo'), {
      LOG_LEVEL: 'trace',
      SUBSCRIBER_AGENCY: inboxAgency.id,
      GATEWAY_JWKS_URL: `${gateway.url}/.well-known/jwks.json`,
      GROUP_ID: `logs-e2e-${RUN}-demo`,
      PUBLISHER_JWKS: JSON.stringify({ [publisher.id]: { keys: [publisher.publicJwk] } }),
    });
    await pollUntil(
      () => {
        if (!demo!.running) throw new Error(`subscriber demo exited: ${demo!.output()}`);
        return demo!.output().includes('"reading lienthong.inbox.');
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'subscriber demo reading its inbox' },
    );
  }, 180_000);

  afterAll(async () => {
    router?.kill();
    demo?.kill();
    await hook.stop();
    await gateway?.close();
  });

  it('logs JSON lines only, with request ids, and no record content, webhook body or signature', async () => {
    const health = await fetch(`${routerUrl}/health/ready?citizen=${CITIZEN_ID}`, {
      headers: { 'x-request-id': `logs-e2e-${RUN}` },
    });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBe(`logs-e2e-${RUN}`);

    const body = JSON.stringify(dossier('RECEIVED'));
    const signature = await signDetached(Buffer.from(body), TYPE, publisher.privateKey, publisher.kid);
    const published = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'lienthong-signature': signature, ...publisher.auth() },
      body,
    });
    expect([published.status, published.status === 202 ? '' : await published.text()]).toEqual([202, '']);
    const id = ((await published.json()) as { id: string }).id;

    // The webhook gets the personal data (and fails once, then succeeds on the retry)…
    const ofRecord = () => hook.received.filter((r) => r.headers['webhook-id'] === id);
    await pollUntil(() => ofRecord().length >= 1, {
      timeoutMs: 30_000,
      description: 'first webhook attempt',
    });
    hook.status = 200;
    await pollUntil(() => ofRecord().length >= 2, { timeoutMs: 30_000, description: 'webhook retry' });
    expect(ofRecord()[0]!.body.toString('utf8')).toContain(CITIZEN_ID);
    // …and the demo verifies the record it read from its inbox, in one line keyed by the record id.
    const inboxLine = await pollUntil(
      () => demo!.entries().find((e) => e['msg'] === 'inbox record' && e['ce_id'] === id),
      { timeoutMs: 30_000, description: 'the demo logs the inbox record' },
    );
    expect(inboxLine).toMatchObject({
      app: 'lienthong-subscriber-demo',
      requestId: id,
      context: 'Inbox',
      gateway_verified: true,
      publisher_signature: 'verified',
    });
    await pollUntil(
      () =>
        router!
          .entries()
          .find((e) => e['requestId'] === `logs-e2e-${RUN}` && e['msg'] === 'request completed'),
      { timeoutMs: 5_000, description: 'the router logs the health request' },
    );

    await Promise.all([router!.stop(), demo!.stop()]);
    const routerLines = router!.entries();
    const demoLines = demo!.entries();
    expect(routerLines.find((e) => e['requestId'] === `logs-e2e-${RUN}`)).toMatchObject({
      app: 'lienthong-router',
      context: 'HTTP',
      method: 'GET',
      route: '/health/ready',
      status: 200,
      durationMs: expect.any(Number),
    });
    // Every line is the app's pino JSON, or a kafkajs warning its client writes as JSON to stderr.
    for (const [app, lines] of [
      ['lienthong-router', routerLines],
      ['lienthong-subscriber-demo', demoLines],
    ] as const) {
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) {
        if (line['source'] === 'kafkajs') continue;
        expect([line['app'], typeof line['level'], typeof line['msg']]).toEqual([app, 'number', 'string']);
      }
    }

    const webhookSignatures = ofRecord().map((r) => String(r.headers['webhook-signature']));
    const all = router!.output() + demo!.output();
    for (const secret of [
      CITIZEN_ID,
      CITIZEN_NAME,
      'Logtest',
      signature,
      signature.split('.')[2]!,
      ...webhookSignatures,
      ...webhookSignatures.flatMap((s) => s.split(' ').map((part) => part.split(',')[1]!)),
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(GATEWAY_SIGNATURE_HEADER);
    expect(all).not.toMatch(/"authorization"|lienthong-signature|"cookie"|"body"|"payload"/i);
  }, 120_000);
});
