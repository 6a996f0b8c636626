import { describe, expect, it } from '@jest/globals';
import { compactVerify, decodeProtectedHeader, generateKeyPair } from 'jose';
import { signCompactJws } from './compact-jws-sign.js';

describe('signCompactJws', () => {
  it.each(['ES256', 'EdDSA'] as const)('signs a compact JWS that jose verifies (%s)', async (alg) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const payload = JSON.stringify({ hello: 'xin chào', n: 1 });
    const jws = await signCompactJws({ alg, kid: 'k1', typ: 'test+jwt' }, payload, privateKey);
    expect(decodeProtectedHeader(jws)).toEqual({ alg, kid: 'k1', typ: 'test+jwt' });
    const verified = await compactVerify(jws, publicKey, { algorithms: [alg] });
    expect(Buffer.from(verified.payload).toString('utf8')).toBe(payload);
    // Bytes and strings sign the same payload.
    const fromBytes = await signCompactJws({ alg, kid: 'k1' }, Buffer.from(payload), privateKey);
    expect(fromBytes.split('.')[1]).toBe(jws.split('.')[1]);
  });

  it('refuses a key of another algorithm', async () => {
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const p384 = await generateKeyPair('ES384', { extractable: true });
    await expect(signCompactJws({ alg: 'ES256' }, 'x', ed.privateKey)).rejects.toThrow('P-256');
    await expect(signCompactJws({ alg: 'ES256' }, 'x', p384.privateKey)).rejects.toThrow('P-256');
    const es = await generateKeyPair('ES256', { extractable: true });
    await expect(signCompactJws({ alg: 'EdDSA' }, 'x', es.privateKey)).rejects.toThrow('Ed25519');
  });
});
