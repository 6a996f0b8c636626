import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GatewayKeyring, ReceiptSigner, sha256Base64url } from '@lienthong/trust';
import { runCli } from '../cli.js';
import type { TestContext } from '../testing/cli-test-context.util.js';
import { createTestContext } from '../testing/cli-test-context.util.js';
import { json, problem } from '../testing/contract-gateway.util.js';

const ISSUER = 'http://127.0.0.1:18080';
const BODY = Buffer.from('{"citizenId": "001203004567"}\n');
const MESSAGE_ID = '019a0000-0000-7000-8000-000000000001';

describe('lienthong verify-receipt', () => {
  let keyring: GatewayKeyring;
  let receipt: string;
  let ctx: TestContext;

  beforeAll(async () => {
    keyring = await GatewayKeyring.generate();
    receipt = await new ReceiptSigner(keyring, { issuer: ISSUER }).sign({
      messageId: MESSAGE_ID,
      type: 'residence.registration',
      schemaVersion: 1,
      publisher: '000.00.00.G01',
      bodySha256: sha256Base64url(BODY),
      topic: 'lienthong.records.residence.registration',
      partition: 2,
      offset: '41',
      acceptedAt: new Date('2026-11-27T23:40:00.000Z'),
    });
  });

  beforeEach(() => {
    ctx = createTestContext();
    ctx.file('receipt.jws', `${receipt}\n`);
    ctx.file('record.json', BODY);
    ctx.file('jwks.json', JSON.stringify(keyring.publicJwks()));
  });
  afterEach(() => ctx.cleanup());

  const run = (...argv: string[]) => runCli(['verify-receipt', ...argv], ctx);

  it('verifies a receipt and the body it covers, and prints the verified claims', async () => {
    expect(await run('receipt.jws', '--jwks', 'jwks.json', '--body', 'record.json')).toBe(0);
    const claims = JSON.parse(ctx.out) as Record<string, unknown>;
    expect(claims).toMatchObject({
      kid: keyring.activeKey().kid,
      alg: 'ES256',
      issuer: ISSUER,
      type: 'residence.registration',
      schemaVersion: 1,
      publisher: '000.00.00.G01',
      acceptedAt: '2026-11-27T23:40:00.000Z',
      batch: false,
      matched: { messageId: MESSAGE_ID, bodySha256: sha256Base64url(BODY), partition: 2, offset: '41' },
    });
    expect(ctx.err).toBe(
      `receipt valid: signed by the gateway key ${keyring.activeKey().kid} (ES256); it covers the bytes of record.json\n`,
    );
  });

  it('reads the receipt from the saved answer of publish', async () => {
    ctx.file('answer.json', JSON.stringify({ id: MESSAGE_ID, receipt }, null, 2));
    expect(
      await run('answer.json', '--jwks', 'jwks.json', '--message-id', MESSAGE_ID, '--issuer', ISSUER),
    ).toBe(0);
  });

  it('exits 1 for another body, even one that differs by one byte of whitespace', async () => {
    ctx.file('other.json', Buffer.concat([BODY, Buffer.from(' ')]));
    expect(await run('receipt.jws', '--jwks', 'jwks.json', '--body', 'other.json')).toBe(1);
    expect(ctx.err).toBe(
      'lienthong: the receipt is not valid: The body does not match the signed digest. (body-mismatch)\n',
    );
    expect(ctx.out).toBe('');
  });

  it('exits 1 for a tampered byte in the signed claims or in the signature', async () => {
    const [header, payload, signature] = receipt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, offset: '42' })).toString('base64url');
    ctx.file('forged.jws', `${header}.${forged}.${signature}`);
    expect(await run('forged.jws', '--jwks', 'jwks.json')).toBe(1);
    expect(ctx.err).toContain('(signature-invalid)');

    const flipped = Buffer.from(signature, 'base64url');
    flipped[10] = flipped[10]! ^ 0x01;
    ctx.file('flipped.jws', `${header}.${payload}.${flipped.toString('base64url')}`);
    expect(await run('flipped.jws', '--jwks', 'jwks.json')).toBe(1);
    expect(ctx.err).toContain('(signature-invalid)');
  });

  it('exits 1 when the JWKS does not have the key, or for another issuer or message id', async () => {
    ctx.file('other-jwks.json', JSON.stringify((await GatewayKeyring.generate()).publicJwks()));
    expect(await run('receipt.jws', '--jwks', 'other-jwks.json')).toBe(1);
    expect(ctx.err).toContain('No registered key has this key id (kid). (kid-unknown)');
    expect(await run('receipt.jws', '--jwks', 'jwks.json', '--issuer', 'http://elsewhere')).toBe(1);
    expect(ctx.err).toContain('(iss-mismatch)');
    expect(await run('receipt.jws', '--jwks', 'jwks.json', '--message-id', 'another')).toBe(1);
    expect(ctx.err).toContain('(message-id-unknown)');
  });

  it('still verifies a receipt signed before a key rotation', async () => {
    const rotating = await GatewayKeyring.generate();
    const old = await new ReceiptSigner(rotating, { issuer: ISSUER }).sign({
      messageId: MESSAGE_ID,
      type: 't',
      schemaVersion: 1,
      publisher: '000.00.00.G01',
      bodySha256: sha256Base64url(BODY),
      topic: 'lienthong.records.t',
      partition: 0,
      offset: '0',
      acceptedAt: new Date(),
    });
    await rotating.rotate();
    ctx.file('old.jws', old);
    ctx.file('rotated-jwks.json', JSON.stringify(rotating.publicJwks()));
    expect(await run('old.jws', '--jwks', 'rotated-jwks.json', '--body', 'record.json')).toBe(0);
  });

  it('fetches the JWKS from a URL, or from the gateway named by --gateway or LIENTHONG_GATEWAY', async () => {
    const fetched: string[] = [];
    const fetchJwks: typeof fetch = (input) => {
      fetched.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(json(200, keyring.publicJwks()));
    };
    for (const [argv, env] of [
      [['--jwks', `${ISSUER}/.well-known/jwks.json`], {}],
      [['--gateway', `${ISSUER}/`], {}],
      [[], { LIENTHONG_GATEWAY: ISSUER }],
    ] as const) {
      const online = createTestContext({ fetch: fetchJwks, env });
      online.file('receipt.jws', receipt);
      expect(await runCli(['verify-receipt', 'receipt.jws', ...argv], online)).toBe(0);
      online.cleanup();
    }
    expect(fetched).toEqual(Array(3).fill(`${ISSUER}/.well-known/jwks.json`));
  });

  it('exits 3 when the JWKS cannot be fetched, and 2 when no JWKS is named', async () => {
    const missing = createTestContext({
      fetch: () => Promise.resolve(problem(404, 'route-not-found', 'Not found')),
    });
    missing.file('receipt.jws', receipt);
    expect(await runCli(['verify-receipt', 'receipt.jws', '--jwks', `${ISSUER}/jwks`], missing)).toBe(3);
    expect(missing.err).toBe(
      `lienthong: cannot fetch the JWKS from ${ISSUER}/jwks: 404 route-not-found: Not found\n`,
    );
    missing.cleanup();
    expect(await run('receipt.jws')).toBe(2);
    expect(ctx.err).toContain('missing --jwks URL_OR_FILE (or --gateway URL to use its published keys)');
  });

  it('exits 2 for a receipt file that is JSON without a receipt', async () => {
    ctx.file('answer.json', '{"id": "x"}');
    expect(await run('answer.json', '--jwks', 'jwks.json')).toBe(2);
    expect(ctx.err).toContain('receipt file answer.json is JSON without a "receipt" string member');
  });
});
