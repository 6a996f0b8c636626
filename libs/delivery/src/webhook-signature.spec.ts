import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  signWebhook,
  verifyWebhookEd25519,
  verifyWebhookHmac,
  webhookSecretKey,
  webhookSignatures,
} from './webhook-signature.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const body = Buffer.from('{"hoTen":"Nguyễn Văn A","soDinhDanh":"001099012345"}', 'utf8');
const id = '019a0000-0000-7000-8000-000000000001';

describe('Standard Webhooks signatures', () => {
  const now = Math.floor(Date.now() / 1000);
  const headers = signWebhook({ id, timestamp: now, body, secret, ed25519Key: privateKey });

  it('carries webhook-id, webhook-timestamp and two signatures v1 and v1a in one header', () => {
    expect(headers['webhook-id']).toBe(id);
    expect(headers['webhook-timestamp']).toBe(String(now));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1a,[A-Za-z0-9+/=]+$/);
    expect(webhookSignatures(headers['webhook-signature']!, 'v1a')[0]).toHaveLength(64);
  });

  it('v1 verifies with the official standardwebhooks library', () => {
    expect(() => new Webhook(secret).verify(body.toString('utf8'), headers)).not.toThrow();
    expect(verifyWebhookHmac(headers, body, secret)).toBe(true);
  });

  it('refuses a tampered body or another secret', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('A', 'B'), 'utf8');
    expect(() => new Webhook(secret).verify(tampered.toString('utf8'), headers)).toThrow();
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(other).verify(body.toString('utf8'), headers)).toThrow();
    expect(verifyWebhookHmac(headers, tampered, secret)).toBe(false);
  });

  it('v1a verifies with the gateway public key (KeyObject or JWK) and nothing else', () => {
    expect(verifyWebhookEd25519(headers, body, publicKey)).toBe(true);
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    expect(verifyWebhookEd25519(headers, body, jwk)).toBe(true);
    expect(verifyWebhookEd25519(headers, Buffer.concat([body, Buffer.from(' ')]), publicKey)).toBe(false);
    const stranger = generateKeyPairSync('ed25519').publicKey;
    expect(verifyWebhookEd25519(headers, body, stranger)).toBe(false);
    expect(verifyWebhookEd25519({ ...headers, 'webhook-id': 'other' }, body, publicKey)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance', () => {
    expect(verifyWebhookEd25519(headers, body, publicKey, { now: now + 3600 })).toBe(false);
  });

  it('reads secrets with and without the whsec_ prefix and refuses junk', () => {
    expect(webhookSecretKey(secret)).toEqual(webhookSecretKey(secret.slice(6)));
    expect(() => webhookSecretKey('not base64!')).toThrow(RangeError);
    expect(() => webhookSecretKey('whsec_AAAA')).toThrow(/16 bytes/);
  });
});
