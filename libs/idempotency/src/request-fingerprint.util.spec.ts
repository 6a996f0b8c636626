import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { requestFingerprint } from './request-fingerprint.util.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const PATH = '/v1/messages/ho-tich.khai-sinh';

describe('requestFingerprint', () => {
  it('is the base64url SHA-256 of the method, path, extra pairs and body', () => {
    const expected = createHash('sha256')
      .update(JSON.stringify(['POST', PATH, [['lienthong-signature', 'sig']]]))
      .update('{"a":1}')
      .digest('base64url');
    expect(requestFingerprint('post', PATH, bytes('{"a":1}'), { 'lienthong-signature': 'sig' })).toBe(
      expected,
    );
    expect(requestFingerprint('POST', PATH, bytes('{}'))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is the same for the same request, whatever the order of the extra pairs', () => {
    expect(requestFingerprint('POST', PATH, bytes('{}'), { a: '1', b: '2' })).toBe(
      requestFingerprint('POST', PATH, bytes('{}'), { b: '2', a: '1' }),
    );
  });

  it('changes with any byte of the body, the path, the method or an extra value', () => {
    const base = requestFingerprint('POST', PATH, bytes('{"a":1}'));
    const variants = [
      requestFingerprint('POST', PATH, bytes('{"a":1} ')),
      requestFingerprint('POST', PATH, bytes('{"a": 1}')),
      requestFingerprint('POST', `${PATH}/batch`, bytes('{"a":1}')),
      requestFingerprint('PUT', PATH, bytes('{"a":1}')),
      requestFingerprint('POST', PATH, bytes('{"a":1}'), { x: '' }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('cannot be steered by moving text between the path, the extras and the body', () => {
    expect(requestFingerprint('POST', '/a', bytes('b'))).not.toBe(
      requestFingerprint('POST', '/ab', bytes('')),
    );
    expect(requestFingerprint('POST', '/a', bytes(''), { k: 'v' })).not.toBe(
      requestFingerprint('POST', '/a', bytes('[["k","v"]]')),
    );
  });
});
