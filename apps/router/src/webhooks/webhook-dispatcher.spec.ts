import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LienthongMetrics } from '@lienthong/observability';
import { loadRouterConfig } from '../config/router-config.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import { NOT_ATTEMPTED, WebhookDispatcher } from './webhook-dispatcher.service.js';

/** The dispatcher against a real loopback server: `/ok` answers at once, `/hang` never. */
describe('WebhookDispatcher: a hanging subscriber does not hold back the others', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  let dispatcher: WebhookDispatcher;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      requests.push(request.url ?? '');
      if (request.url === '/ok') response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dispatcher = new WebhookDispatcher(
      new LienthongMetrics({ defaultMetrics: false }),
      loadRouterConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        KEY_PSEUDONYM_SECRET: 'a-router-key-pseudonym-secret-of-32+chars',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RESPONSE_TIMEOUT_MS: '300',
        WEBHOOK_CONCURRENCY: '4',
        RETRY_DELAYS_MS: '1000',
      }),
    );
  });

  afterAll(async () => {
    dispatcher.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const delivery = (subscription: string, path: string, n: number, attempts = 0): Delivery => ({
    subscription: {
      id: subscription,
      agency: '000.00.00.G01',
      types: ['t'],
      delivery: { mode: 'webhook', url: `${base}${path}`, secret: 'whsec_AAAA' },
      status: 'active',
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: '000.00.00.G01',
    },
    messageId: `m-${n}`,
    type: 't',
    publisher: '000.00.00.G01',
    key: null,
    body: Buffer.from('{}'),
    carried: {},
    attempts,
    origin: `t/0/${n}`,
  });

  it('gives each subscription its own lane and stops calling one that timed out', async () => {
    const batch = Array.from({ length: 10 }, (_, n) => [
      delivery('hang', '/hang', n),
      delivery('ok', '/ok', n),
    ]).flat();
    requests.length = 0;
    const results = await dispatcher.sendAll(batch, () => ({}));
    const of = (s: string) => results.filter((_, i) => batch[i]!.subscription.id === s);
    expect(of('ok').every((r) => r.ok)).toBe(true);
    // Its share of the concurrency (4 / 2 lanes) was tried and cut off; the rest not attempted.
    expect(requests.filter((u) => u === '/hang')).toHaveLength(2);
    expect(of('hang').filter((r) => !r.ok && r.error === 'response-timeout')).toHaveLength(2);
    expect(of('hang').filter((r) => !r.ok && r.error === `${NOT_ATTEMPTED} response-timeout`)).toHaveLength(
      8,
    );
    expect(of('hang').every((r) => !r.ok && r.retryable)).toBe(true);
  });

  it('makes no first attempt to it afterwards; a retry still probes it', async () => {
    requests.length = 0;
    const [first] = await dispatcher.sendAll([delivery('hang', '/hang', 20)], () => ({}));
    expect(first).toEqual({ ok: false, error: `${NOT_ATTEMPTED} response-timeout`, retryable: true });
    expect(requests).toEqual([]);
    const [retry] = await dispatcher.sendAll([delivery('hang', '/hang', 21, 1)], () => ({}));
    expect(retry).toMatchObject({ ok: false, error: 'response-timeout' });
    expect(requests).toEqual(['/hang']);
  });

  it('takes first attempts again once a probe succeeds', async () => {
    // The same subscription, now answering (its URL moved to /ok): a retry succeeds.
    const [probe] = await dispatcher.sendAll([delivery('hang', '/ok', 30, 1)], () => ({}));
    expect(probe).toEqual({ ok: true, status: 204 });
    const [first] = await dispatcher.sendAll([delivery('hang', '/ok', 31)], () => ({}));
    expect(first).toEqual({ ok: true, status: 204 });
  });
});
