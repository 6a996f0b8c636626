import { describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { problemStatus } from '@lienthong/contracts';
import { parseAgencyJwks, revokedAgencyKey } from './agency-jwks.js';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import type { PublisherSignatureOptions } from './publisher-signature.js';
import { signDetached, verifyPublisherSignature } from './publisher-signature.js';
import type { TestKey } from './test-fixtures.util.js';
import {
  TestClock,
  b64url,
  flipSignatureByte,
  makeAgencyKey,
  refusal,
  rawSignature,
  trustError,
} from './test-fixtures.util.js';

const TYPE = 'residence.registration';
const body = Buffer.from(
  '{"citizenId":"001099012345","hoTen":"Nguyễn Thị Ánh Tuyết","diaChi":"Phường Ba Đình, Hà Nội"}',
);
const keys: Record<AgencyAlgorithm, TestKey> = {
  ES256: makeAgencyKey('ES256', 'pub-es256'),
  EdDSA: makeAgencyKey('EdDSA', 'pub-ed25519'),
  PS256: makeAgencyKey('PS256', 'pub-pss'),
  RS256: makeAgencyKey('RS256', 'pub-pkcs1'),
};
const agencyKeys = Object.values(keys).map((k) => k.agencyKey);
const otherAgency = makeAgencyKey('ES256', 'other-es256');
const key = keys.ES256;

const clock = new TestClock();
function options(overrides: Partial<PublisherSignatureOptions> = {}): PublisherSignatureOptions {
  return { type: TYPE, agencyKeys, now: clock.now, ...overrides };
}
const sign = (b: Uint8Array = body, type = TYPE, k: TestKey = key): Promise<string> =>
  // An RSA key object serves both PS256 and RS256, so its algorithm is named; the others are read off the key.
  signDetached(b, type, k.privateKey, k.kid, {
    now: clock.now,
    ...(k.agencyKey.jwk.kty === 'RSA' ? { alg: k.alg } : {}),
  });
const verify = (
  jws: string | undefined,
  b: Uint8Array = body,
  o: Partial<PublisherSignatureOptions> = {},
): Promise<string> => refusal(verifyPublisherSignature(jws, b, options(o)));

/** A detached JWS with any protected header, signed over `payload` (RFC 7515 appendix F). */
function craftDetached(
  header: Record<string, unknown>,
  payload: Uint8Array = body,
  k: TestKey = key,
): string {
  const protectedB64 = b64url(JSON.stringify(header));
  const signature = rawSignature(k.alg, `${protectedB64}.${b64url(payload)}`, k.privateKey);
  return `${protectedB64}..${b64url(signature)}`;
}
const header = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: 'ES256',
  kid: key.kid,
  lienthong_type: TYPE,
  iat: clock.seconds,
  ...overrides,
});

describe('signDetached / verifyPublisherSignature', () => {
  it.each(['ES256', 'EdDSA', 'PS256', 'RS256'] as const)(
    'round-trips with %s over the exact bytes',
    async (alg) => {
      const k = keys[alg];
      const jws = await sign(body, TYPE, k);
      expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
      expect(decodeProtectedHeader(jws)).toEqual({
        alg,
        kid: k.kid,
        lienthong_type: TYPE,
        iat: clock.seconds,
      });
      await expect(verifyPublisherSignature(jws, body, options())).resolves.toEqual({
        kid: k.kid,
        alg,
        type: TYPE,
        issuedAt: clock.seconds,
      });
    },
  );

  it('signs with a WebCrypto key and a private JWK too', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const [agencyKey] = parseAgencyJwks({ keys: [{ ...(await exportJWK(publicKey)), kid: 'webcrypto' }] });
    const fromCryptoKey = await signDetached(body, TYPE, privateKey, 'webcrypto', { now: clock.now });
    const fromJwk = await signDetached(body, TYPE, await exportJWK(privateKey), 'webcrypto', {
      now: clock.now,
    });
    for (const jws of [fromCryptoKey, fromJwk]) {
      expect(await verify(jws, body, { agencyKeys: [agencyKey!] })).toBe('accepted');
    }
  });

  it('asks for the algorithm when an RSA key leaves it open', async () => {
    await expect(signDetached(body, TYPE, keys.RS256.privateKey, keys.RS256.kid)).rejects.toThrow(RangeError);
  });

  it('refuses to sign under a malformed kid', async () => {
    await expect(signDetached(body, TYPE, key.privateKey, '../kid')).rejects.toThrow(RangeError);
  });

  it('accepts a signature made by an independent implementation', async () => {
    expect(await verify(craftDetached(header()))).toBe('accepted');
  });

  it('accepts a signature up to the configured age', async () => {
    const jws = await sign();
    const later = new TestClock(clock.ms + 120_000);
    expect(await verify(jws, body, { maxAgeSeconds: 150, now: later.now })).toBe('accepted');
    expect(await verify(jws, body, { maxAgeSeconds: 60, now: later.now })).toBe('iat-too-old');
  });
});

describe('verifyPublisherSignature refuses', () => {
  it('a missing signature', async () => {
    const error = await trustError(verifyPublisherSignature(undefined, body, options()));
    expect([error.reason, error.code, problemStatus(error.code), error.oauthError]).toEqual([
      'missing',
      'invalid-publisher-signature',
      400,
      undefined,
    ]);
  });

  it('a signature over another body', async () => {
    const jws = await sign(Buffer.from('{"citizenId":"001099012346"}'));
    expect(await verify(jws)).toBe('signature-invalid');
  });

  it('a body with one flipped byte', async () => {
    const jws = await sign();
    const flipped = Buffer.from(body);
    flipped[10] = flipped[10]! ^ 0x01;
    expect(await verify(jws, flipped)).toBe('signature-invalid');
  });

  it('the same text with different bytes (no normalisation: the bytes are signed)', async () => {
    const jws = await sign(Buffer.from('{"a": 1}'));
    expect(await verify(jws, Buffer.from('{"a":1}'))).toBe('signature-invalid');
  });

  it('a signature for another message type', async () => {
    expect(await verify(await sign(body, 'civil.birth-registration'))).toBe('type-mismatch');
  });

  it('one flipped signature byte', async () => {
    expect(await verify(flipSignatureByte(await sign()))).toBe('signature-invalid');
  });

  it('an all-zero ECDSA signature', async () => {
    const [protectedB64] = (await sign()).split('.');
    expect(await verify(`${protectedB64}..${b64url(new Uint8Array(64))}`)).toBe('signature-invalid');
  });

  it("the agency's other kid on this signature", async () => {
    const jws = craftDetached(header({ kid: keys.RS256.kid, alg: 'RS256' }));
    expect(await verify(jws)).toBe('signature-invalid');
  });

  it('a kid the agency has not registered', async () => {
    expect(await verify(await sign(body, TYPE, otherAgency))).toBe('kid-unknown');
  });

  it("another agency's key under this agency's kid", async () => {
    expect(await verify(craftDetached(header(), body, otherAgency))).toBe('signature-invalid');
  });

  it('a revoked key', async () => {
    const revoked = agencyKeys.map((k) => (k.kid === key.kid ? revokedAgencyKey(k) : k));
    expect(await verify(await sign(), body, { agencyKeys: revoked })).toBe('key-revoked');
  });

  it('an attached payload (not detached)', async () => {
    const [protectedB64, , signature] = (await sign()).split('.');
    expect(await verify(`${protectedB64}.${b64url(body)}.${signature}`)).toBe('malformed');
  });

  it('a signature older than 5 minutes', async () => {
    expect(await verify(craftDetached(header({ iat: clock.seconds - 331 })))).toBe('iat-too-old');
  });

  it('a signature from the future', async () => {
    expect(await verify(craftDetached(header({ iat: clock.seconds + 31 })))).toBe('iat-in-future');
  });

  it('a missing iat', async () =>
    expect(await verify(craftDetached(header({ iat: undefined })))).toBe('iat-missing'));
  it('a missing type binding', async () => {
    expect(await verify(craftDetached(header({ lienthong_type: undefined })))).toBe('malformed');
  });
  it('alg none', async () => {
    expect(await verify(`${b64url(JSON.stringify(header({ alg: 'none' })))}..`)).toBe('alg-not-allowed');
  });
  it('HS256', async () => {
    expect(await verify(`${b64url(JSON.stringify(header({ alg: 'HS256' })))}..${b64url('mac')}`)).toBe(
      'alg-not-allowed',
    );
  });
  it('a kid with a path', async () => {
    expect(await verify(craftDetached(header({ kid: '../../etc/passwd' })))).toBe('kid-invalid');
  });
  it('a jku header', async () => {
    expect(await verify(craftDetached(header({ jku: 'https://attacker.test/jwks' })))).toBe(
      'header-not-allowed',
    );
  });
  it('an embedded jwk header', async () => {
    expect(await verify(craftDetached(header({ jwk: key.publicJwk })))).toBe('header-not-allowed');
  });
  it('b64: false without crit (RFC 7797 section 6)', async () => {
    expect(await verify(craftDetached(header({ b64: false })))).toBe('header-not-allowed');
  });
  it('an unknown crit', async () => {
    expect(await verify(craftDetached(header({ crit: ['lienthong_type'] })))).toBe('crit-unsupported');
  });
  it('a header that is not JSON', async () => {
    const [, , signature] = (await sign()).split('.');
    expect(await verify(`${b64url('alg=ES256')}..${signature}`)).toBe('malformed');
  });
  it('two segments', async () => expect(await verify((await sign()).replace('..', '.'))).toBe('malformed'));
});
