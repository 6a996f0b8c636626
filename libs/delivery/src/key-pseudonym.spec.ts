import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  fallbackPseudonymSecret,
  keyIsPersonalData,
  keyPseudonym,
  newPseudonymSecret,
} from './key-pseudonym.js';

describe('keyPseudonym', () => {
  const secret = newPseudonymSecret();

  it('is HMAC-SHA-256 of the key bytes under the decoded secret, base64url without padding', () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'base64url'))
      .update('001195012345')
      .digest('base64url');
    expect(keyPseudonym(secret, '001195012345')).toBe(expected);
    expect(keyPseudonym(secret, '001195012345')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same pseudonym for the same key, as a string or as its bytes', () => {
    expect(keyPseudonym(secret, Buffer.from('001195012345'))).toBe(keyPseudonym(secret, '001195012345'));
    expect(keyPseudonym(secret, 'Nguyễn')).toBe(keyPseudonym(secret, Buffer.from('Nguyễn', 'utf8')));
  });

  it('differs across keys and across secrets', () => {
    expect(keyPseudonym(secret, '001195012345')).not.toBe(keyPseudonym(secret, '001195012346'));
    expect(keyPseudonym(newPseudonymSecret(), '001195012345')).not.toBe(keyPseudonym(secret, '001195012345'));
  });

  it('never contains the key', () => {
    expect(keyPseudonym(secret, '001195012345')).not.toContain('001195012345');
  });
});

describe('newPseudonymSecret', () => {
  it('is 32 random bytes in base64url', () => {
    const a = newPseudonymSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newPseudonymSecret()).not.toBe(a);
  });
});

describe('fallbackPseudonymSecret', () => {
  it('is stable per subscription and differs across subscriptions and router secrets', () => {
    const router = 'a router secret of at least thirty-two characters';
    expect(fallbackPseudonymSecret(router, 'sub-1')).toBe(fallbackPseudonymSecret(router, 'sub-1'));
    expect(fallbackPseudonymSecret(router, 'sub-1')).not.toBe(fallbackPseudonymSecret(router, 'sub-2'));
    expect(fallbackPseudonymSecret(`${router}!`, 'sub-1')).not.toBe(fallbackPseudonymSecret(router, 'sub-1'));
    expect(Buffer.from(fallbackPseudonymSecret(router, 'sub-1'), 'base64url')).toHaveLength(32);
  });
});

describe('keyIsPersonalData', () => {
  it.each([
    ['/citizenId', ['/citizenId'], true],
    ['/holder/citizenId', ['/holder'], true],
    ['/holder/citizenId', ['/fullName', '/holder'], true],
    ['/ab', ['/a'], false],
    ['/a', ['/a/b'], false],
    ['/dossierCode', ['/applicant', '/note'], false],
    ['/a~1b', ['/a'], false],
    ['/a~1b/c', ['/a~1b'], true],
    ['/citizenId', [], false],
  ])('key %s with personal data %j: %s', (key, personal, expected) => {
    expect(keyIsPersonalData(key, personal)).toBe(expected);
  });
});
