import { afterEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import { CompactSign } from 'jose';
import type { TestContext } from '../testing/cli-test-context.util.js';
import { createTestContext } from '../testing/cli-test-context.util.js';
import { generateAgencyTestKey } from '../testing/agency-test-keys.util.js';
import { loadAgencyKeyFile, parseAgencyPrivateJwk } from './agency-key-file.js';
import { UsageError } from './cli.exception.js';

async function refusal(value: unknown): Promise<string> {
  try {
    await parseAgencyPrivateJwk(value, 'key file k.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected the key to be refused');
}

describe('agency key files', () => {
  let ctx: TestContext | undefined;
  afterEach(() => ctx?.cleanup());

  it.each(['ES256', 'EdDSA', 'RS256'] as const)(
    'loads a private %s JWK that signs for its public key',
    async (alg) => {
      const { privateJwk, publicJwk } = await generateAgencyTestKey(alg, 'agency-key-1');
      ctx = createTestContext();
      const key = await loadAgencyKeyFile(ctx, ctx.file('k.json', JSON.stringify(privateJwk)));
      expect(key.kid).toBe('agency-key-1');
      expect(key.alg).toBe(alg);
      expect(key.privateKey.type).toBe('private');
      expect(key.publicJwk).not.toHaveProperty('d');
      const jws = await new CompactSign(new TextEncoder().encode('x'))
        .setProtectedHeader({ alg })
        .sign(key.privateKey);
      await expect(compactVerify(jws, await importJWK(publicJwk, alg))).resolves.toBeDefined();
    },
  );

  it('takes the algorithm from the key when the file has no alg, and accepts a one-key JWK Set', async () => {
    const { privateJwk } = await generateAgencyTestKey('EdDSA', 'ed');
    delete privateJwk.alg;
    expect((await parseAgencyPrivateJwk({ keys: [privateJwk] }, 'key file k.json')).alg).toBe('EdDSA');
  });

  it('refuses a public-only key', async () => {
    const { publicJwk } = await generateAgencyTestKey('ES256');
    expect(await refusal(publicJwk)).toMatch(
      /^key file k.json holds a public key only; signing needs the private key/,
    );
  });

  it('refuses a symmetric key', async () => {
    const secret: JWK = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'hmac', alg: 'HS256' };
    expect(await refusal(secret)).toContain('holds a symmetric key (kty "oct")');
  });

  it('refuses an HMAC algorithm on an asymmetric key', async () => {
    const { privateJwk } = await generateAgencyTestKey('ES256');
    expect(await refusal({ ...privateJwk, alg: 'HS256' })).toContain('names alg "HS256"');
  });

  it('refuses a key without a kid, with a kid that is not a plain name, or meant for encryption', async () => {
    const { privateJwk } = await generateAgencyTestKey('ES256');
    const { kid: _kid, ...withoutKid } = privateJwk;
    expect(await refusal(withoutKid)).toMatch(/\(\/kid: kid is required\)$/);
    expect(await refusal({ ...privateJwk, kid: '../../etc/passwd' })).toContain('/kid');
    expect(await refusal({ ...privateJwk, use: 'enc' })).toContain('/use');
    expect(await refusal({ ...privateJwk, key_ops: ['verify'] })).toContain('key_ops without "sign"');
  });

  it('refuses curves and sizes the gateway would not register', async () => {
    const p384 = await generateKeyPair('ES384', { extractable: true });
    expect(await refusal({ ...(await exportJWK(p384.privateKey)), kid: 'p384' })).toContain('/crv');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakJwk = weak.privateKey.export({ format: 'jwk' });
    expect(await refusal({ ...weakJwk, kid: 'rsa1024', alg: 'RS256' })).toContain('1024-bit modulus');
  });

  it('refuses a file whose private and public members belong to different keys', async () => {
    const one = await generateAgencyTestKey('ES256', 'k');
    const other = await generateAgencyTestKey('ES256', 'k');
    const mixed = { ...one.privateJwk, x: other.publicJwk.x, y: other.publicJwk.y };
    expect(await refusal(mixed)).toMatch(/do not belong to the same key|usable ES256 private key/);
  });

  it('refuses JWK Sets of several keys, and things that are not keys', async () => {
    const a = await generateAgencyTestKey('ES256', 'a');
    const b = await generateAgencyTestKey('ES256', 'b');
    expect(await refusal({ keys: [a.privateJwk, b.privateJwk] })).toContain('JWK Set of 2 keys');
    expect(await refusal([1])).toContain('is not a JWK');
    expect(await refusal({ kty: 'AKP', kid: 'x' })).toContain('key type "AKP"');
  });

  it('names the file when it is missing or not JSON', async () => {
    ctx = createTestContext();
    await expect(loadAgencyKeyFile(ctx, 'absent.json')).rejects.toThrow(
      'cannot read key file absent.json: no such file or directory',
    );
    await expect(loadAgencyKeyFile(ctx, ctx.file('k.pem', '-----BEGIN PRIVATE KEY-----'))).rejects.toThrow(
      /^key file k.pem is not JSON/,
    );
  });
});
