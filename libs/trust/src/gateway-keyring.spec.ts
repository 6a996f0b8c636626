import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { GatewayKeyring } from './gateway-keyring.js';
import { KID_PATTERN } from './compact-jws.util.js';
import { TestClock } from './test-fixtures.util.js';

const DAY = 24 * 3600;

describe('GatewayKeyring', () => {
  it('generates an ES256 key named by its RFC 7638 thumbprint and publishes only public members', async () => {
    const keyring = await GatewayKeyring.generate({ now: new TestClock().now });
    const jwks = keyring.publicJwks();
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: keyring.activeKey().kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(key!.kid).toMatch(KID_PATTERN);
    expect(key!.kid).toHaveLength(43);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('generates EdDSA keys for webhook signatures', async () => {
    const keyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
    expect(keyring.publicJwks().keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(keyring.signingKey().alg).toBe('EdDSA');
  });

  it('rotates: the new key signs, the old one stays published for its window, newest first', async () => {
    const clock = new TestClock();
    const keyring = await GatewayKeyring.generate({
      now: clock.now,
      maxTokenLifetimeSeconds: 600,
      receiptRetentionSeconds: DAY,
    });
    const first = keyring.activeKey();
    clock.advance(3600);
    const second = await keyring.rotate();
    expect(second.kid).not.toBe(first.kid);
    expect(keyring.signingKey().kid).toBe(second.kid);
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([second.kid, first.kid]);
    expect(keyring.keys()).toEqual([
      { kid: second.kid, alg: 'ES256', createdAt: clock.ms, retireAfter: undefined },
      {
        kid: first.kid,
        alg: 'ES256',
        createdAt: first.createdAt,
        retireAfter: clock.ms + (600 + DAY) * 1000,
      },
    ]);

    clock.advance(600 + DAY - 1);
    expect(keyring.verificationKey(first.kid)).toBeDefined();
    clock.advance(1);
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([second.kid]);
    expect(keyring.verificationKey(first.kid)).toBeUndefined();
  });

  it('counts each key window from its own replacement', async () => {
    const clock = new TestClock();
    const keyring = await GatewayKeyring.generate({
      now: clock.now,
      maxTokenLifetimeSeconds: 600,
      receiptRetentionSeconds: 0,
    });
    const a = keyring.activeKey().kid;
    const b = (await keyring.rotate()).kid;
    clock.advance(300);
    const c = (await keyring.rotate()).kid;
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([c, b, a]);
    clock.advance(300);
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([c, b]);
    clock.advance(300);
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([c]);
    clock.advance(365 * DAY);
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([c]);
  });

  it('round-trips through a private JWK Set (object and JSON text)', async () => {
    const clock = new TestClock();
    const original = await GatewayKeyring.generate({ now: clock.now });
    await original.rotate();
    const exported = await original.exportPrivateJwks();
    expect(exported.keys.every((k) => typeof k.d === 'string')).toBe(true);

    const fromObject = await GatewayKeyring.fromPrivateJwks(exported, { now: clock.now });
    const fromText = await GatewayKeyring.fromPrivateJwks(JSON.stringify(exported), { now: clock.now });
    expect(fromObject.publicJwks()).toEqual(original.publicJwks());
    expect(fromText.activeKey().kid).toBe(original.activeKey().kid);
    expect(fromObject.keys()[1]!.retireAfter).toBe(clock.ms + fromObject.verificationWindowSeconds * 1000);
  });

  it('names a loaded key by its thumbprint when the file gives no kid, and keeps a given kid', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const keyring = await GatewayKeyring.fromPrivateJwks({ keys: [{ ...ed, kid: 'gw-2026-01' }, ec] });
    const [first, second] = keyring.keys();
    expect(first).toMatchObject({ kid: 'gw-2026-01', alg: 'EdDSA', retireAfter: undefined });
    expect(second!.kid).toHaveLength(43);
    expect(second!.alg).toBe('ES256');
  });

  it.each([
    ['not JSON', '{"keys": ['],
    ['no keys', { keys: [] }],
    [
      'a public key',
      { keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })] },
    ],
    [
      'an RSA key',
      { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    ],
    [
      'a P-384 key',
      { keys: [generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' })] },
    ],
    [
      'a bad kid',
      { keys: [{ ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: '../x' }] },
    ],
    [
      'a wrong alg',
      { keys: [{ ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), alg: 'ES256' }] },
    ],
  ])('refuses to load %s', async (_name, jwks) => {
    await expect(GatewayKeyring.fromPrivateJwks(jwks)).rejects.toThrow(/Gateway key set/);
  });

  it('refuses a private key that does not belong to its public point', async () => {
    const a = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const b = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    await expect(GatewayKeyring.fromPrivateJwks({ keys: [{ ...a, d: b.d }] })).rejects.toThrow(
      /Gateway key set/,
    );
  });

  it('refuses two keys with the same kid', async () => {
    const a = { ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: 'same' };
    const b = { ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: 'same' };
    await expect(GatewayKeyring.fromPrivateJwks({ keys: [a, b] })).rejects.toThrow(/repeats kid/);
  });
});
