import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookSender } from './webhook-sender.js';

/** A real loopback HTTP server playing badly behaved webhook receivers, one path each. */
describe('WebhookSender against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const open = new WebhookSender({
    connectTimeoutMs: 1_000,
    responseTimeoutMs: 300,
    maxResponseBytes: 1_024,
    guard: () => undefined,
    allowHttp: true,
  });

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      switch (request.url ?? '') {
        case '/ok':
          response.writeHead(204).end();
          return;
        case '/redirect':
          response.writeHead(302, { location: '/ok' }).end();
          return;
        case '/slow':
          setTimeout(() => response.writeHead(200).end(), 2_000).unref();
          return;
        case '/large':
          response.writeHead(200).end(Buffer.alloc(64 * 1024, 0x61));
          return;
        default:
          response.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    open.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (sender: WebhookSender, path: string) =>
    sender.send(`${base}${path}`, Buffer.from('{}'), { 'content-type': 'application/json' });

  it('delivers on 2xx', async () => {
    expect(await send(open, '/ok')).toEqual({ ok: true, status: 204 });
  });

  it('does not follow redirects: a 3xx is a retryable failure', async () => {
    expect(await send(open, '/redirect')).toMatchObject({
      ok: false,
      status: 302,
      error: 'redirect-refused 302',
      retryable: true,
    });
  });

  it('gives up on a receiver that does not answer in time', async () => {
    expect(await send(open, '/slow')).toMatchObject({
      ok: false,
      error: 'response-timeout',
      retryable: true,
    });
  });

  it('caps the response size', async () => {
    expect(await send(open, '/large')).toMatchObject({ ok: false, error: 'response-too-large' });
  });

  it('refuses an address the guard refuses, before connecting, and never retries it', async () => {
    const guarded = new WebhookSender({
      connectTimeoutMs: 1_000,
      responseTimeoutMs: 1_000,
      maxResponseBytes: 1_024,
      guard: (address) => (address === '127.0.0.1' ? 'loopback' : undefined),
      allowHttp: true,
    });
    expect(await send(guarded, '/ok')).toMatchObject({
      ok: false,
      error: 'address-refused: loopback',
      retryable: false,
    });
    expect(
      await guarded.send(`http://localhost:${new URL(base).port}/ok`, Buffer.from('{}'), {}),
    ).toMatchObject({
      ok: false,
      retryable: false,
    });
    guarded.close();
  });

  it('refuses plain http unless allowed, and credentials in the URL', async () => {
    const strict = new WebhookSender({
      connectTimeoutMs: 1_000,
      responseTimeoutMs: 1_000,
      maxResponseBytes: 1_024,
      guard: () => undefined,
      allowHttp: false,
    });
    expect(await send(strict, '/ok')).toMatchObject({
      ok: false,
      error: 'scheme-not-allowed',
      retryable: false,
    });
    expect(await open.send(`http://user:pw@127.0.0.1:1/ok`, Buffer.from('{}'), {})).toMatchObject({
      ok: false,
      error: 'credentials-in-url',
    });
    strict.close();
  });
});
