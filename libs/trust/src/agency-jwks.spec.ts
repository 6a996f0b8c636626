import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseAgencyJwks, revokedAgencyKey } from './agency-jwks.js';
import { TrustError } from './trust-error.js';
import { refusalOf } from './test-fixtures.util.js';

const ec = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid: 'ec-1',
};
const ecPrivate = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: 'ec-p',
};
const ed = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ed-1' };
const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa = { ...rsaPair.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' };
const rsaPrivate = { ...rsaPair.privateKey.export({ format: 'jwk' }), kid: 'rsa-p' };
const weakRsa = {
  ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }),
  kid: 'rsa-weak',
};
const p384 = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }),
  kid: 'ec-384',
};
const secp256k1 = {
  ...generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
  kid: 'k1',
};
const x25519 = { ...generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }), kid: 'x-1' };

const refuse = (...keys: unknown[]): string => refusalOf(() => parseAgencyJwks({ keys }));

describe('parseAgencyJwks accepts', () => {
  it('EC P-256 as ES256, Ed25519 as EdDSA, RSA as RS256 unless PS256 is asked for', () => {
    const keys = parseAgencyJwks({ keys: [ec, ed, rsa, { ...rsa, kid: 'rsa-pss', alg: 'PS256' }] });
    expect(keys.map((k) => [k.kid, k.alg, k.status])).toEqual([
      ['ec-1', 'ES256', 'active'],
      ['ed-1', 'EdDSA', 'active'],
      ['rsa-1', 'RS256', 'active'],
      ['rsa-pss', 'PS256', 'active'],
    ]);
  });

  it('keeps only public members, and freezes the result', () => {
    const [key] = parseAgencyJwks({ keys: [{ ...ec, alg: 'ES256', use: 'sig', x5c: ['MIIB'], note: 'x' }] });
    expect(key!.jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: ec.x,
      y: ec.y,
      kid: 'ec-1',
      alg: 'ES256',
      use: 'sig',
    });
    expect(Object.isFrozen(key)).toBe(true);
    expect(Object.isFrozen(key!.jwk)).toBe(true);
  });

  it('accepts key_ops ["verify"]', () => {
    expect(parseAgencyJwks({ keys: [{ ...ec, key_ops: ['verify'] }] })).toHaveLength(1);
  });

  it('marks a key revoked without changing it otherwise', () => {
    const [key] = parseAgencyJwks({ keys: [ec] });
    expect(revokedAgencyKey(key!)).toEqual({ ...key, status: 'revoked' });
  });
});

describe('parseAgencyJwks refuses', () => {
  it('a value that is not a JWK Set', () => {
    expect(refusalOf(() => parseAgencyJwks(null))).toBe('jwks-invalid');
    expect(refusalOf(() => parseAgencyJwks([ec]))).toBe('jwks-invalid');
    expect(refusalOf(() => parseAgencyJwks({ keys: ec }))).toBe('jwks-invalid');
  });

  it('an empty key set', () => expect(refuse()).toBe('jwks-invalid'));

  it('more than 16 keys', () => {
    const keys = Array.from({ length: 17 }, (_, i) => ({ ...ec, kid: `ec-${i}` }));
    expect(refuse(...keys)).toBe('jwks-invalid');
  });

  it('a symmetric key (kty oct)', () => {
    expect(refuse({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'hmac', alg: 'HS256' })).toBe(
      'jwk-symmetric',
    );
  });

  it('a private EC key (d)', () => expect(refuse(ecPrivate)).toBe('jwk-private'));
  it('a private RSA key', () => expect(refuse(rsaPrivate)).toBe('jwk-private'));
  it('an RSA key carrying only p and q', () =>
    expect(refuse({ ...rsa, p: 'AQAB', q: 'AQAB' })).toBe('jwk-private'));
  it('an RSA key below 2048 bits', () => expect(refuse(weakRsa)).toBe('jwk-rsa-too-weak'));
  it('an RSA key with exponent 1', () => expect(refuse({ ...rsa, e: 'AQ' })).toBe('jwk-invalid'));
  it('a P-384 key', () => expect(refuse(p384)).toBe('jwk-curve-unsupported'));
  it('a secp256k1 key', () => expect(refuse(secp256k1)).toBe('jwk-curve-unsupported'));
  it('an X25519 (key agreement) key', () => expect(refuse(x25519)).toBe('jwk-curve-unsupported'));
  it('an unknown key type', () =>
    expect(refuse({ kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA', kid: 'pq' })).toBe('jwk-kty-unsupported'));
  it('a key without kid', () => expect(refuse({ ...ec, kid: undefined })).toBe('kid-missing'));
  it('a kid with a path', () => expect(refuse({ ...ec, kid: '../../etc/passwd' })).toBe('kid-invalid'));
  it('a kid with SQL', () => expect(refuse({ ...ec, kid: "1' OR '1'='1" })).toBe('kid-invalid'));
  it('an empty kid', () => expect(refuse({ ...ec, kid: '' })).toBe('kid-invalid'));
  it('a kid of 65 characters', () => expect(refuse({ ...ec, kid: 'a'.repeat(65) })).toBe('kid-invalid'));
  it('a kid that is not a string', () => expect(refuse({ ...ec, kid: 7 })).toBe('kid-invalid'));
  it('two keys with the same kid', () => expect(refuse(ec, { ...ed, kid: 'ec-1' })).toBe('kid-duplicate'));
  it('an EC key claiming RS256', () => expect(refuse({ ...ec, alg: 'RS256' })).toBe('jwk-alg-mismatch'));
  it('an RSA key claiming HS256', () => expect(refuse({ ...rsa, alg: 'HS256' })).toBe('jwk-alg-mismatch'));
  it('an Ed25519 key claiming ES256', () => expect(refuse({ ...ed, alg: 'ES256' })).toBe('jwk-alg-mismatch'));
  it('an encryption key (use enc)', () => expect(refuse({ ...ec, use: 'enc' })).toBe('jwk-use-invalid'));
  it('key_ops allowing signing', () =>
    expect(refuse({ ...ec, key_ops: ['sign', 'verify'] })).toBe('jwk-use-invalid'));

  it('an EC point that is not on the curve', () => {
    const x = Buffer.from(ec.x!, 'base64url');
    x[31] = x[31]! ^ 0x01;
    expect(refuse({ ...ec, x: x.toString('base64url') })).toBe('jwk-invalid');
  });

  it('a coordinate of the wrong length', () =>
    expect(refuse({ ...ec, x: ec.x!.slice(0, 20) })).toBe('jwk-invalid'));
  it('a coordinate that is not base64url', () =>
    expect(refuse({ ...ec, x: `${ec.x!.slice(0, 42)}+` })).toBe('jwk-invalid'));

  it('with a JSON pointer to the offending key and an invalid-agency-key problem', () => {
    let thrown: unknown;
    try {
      parseAgencyJwks({ keys: [ec, { ...ed, kid: 'bad kid' }] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TrustError);
    const trust = thrown as TrustError;
    expect(trust.code).toBe('invalid-agency-key');
    expect(trust.context).toBe('agency-keys');
    expect(trust.options.errors?.[0]?.pointer).toBe('/keys/1/kid');
  });
});
