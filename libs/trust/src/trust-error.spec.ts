import { describe, expect, it } from '@jest/globals';
import { LienthongError, PROBLEM_CATALOGUE, toProblemDetails } from '@lienthong/contracts';
import { TRUST_CONTEXTS, TRUST_REASONS, TRUST_REASON_DETAILS, TrustError } from './trust-error.js';

describe('TrustError', () => {
  it('has a closed, duplicate-free list of reasons usable as metric labels', () => {
    expect(new Set(TRUST_REASONS).size).toBe(TRUST_REASONS.length);
    for (const reason of TRUST_REASONS) expect(reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('explains every reason in English and Vietnamese', () => {
    expect(Object.keys(TRUST_REASON_DETAILS).sort()).toEqual([...TRUST_REASONS].sort());
    for (const text of Object.values(TRUST_REASON_DETAILS)) {
      expect(text.en.length).toBeGreaterThan(0);
      expect(text.vi.length).toBeGreaterThan(0);
    }
  });

  it('maps every context and reason onto a catalogued problem', () => {
    for (const context of TRUST_CONTEXTS) {
      for (const reason of TRUST_REASONS) {
        const error = new TrustError(context, reason);
        expect(error).toBeInstanceOf(LienthongError);
        expect(PROBLEM_CATALOGUE[error.code]).toBeDefined();
      }
    }
  });

  it('renders as problem+json in the negotiated language', () => {
    const error = new TrustError('access-token', 'token-expired');
    expect(toProblemDetails(error, 'vi')).toMatchObject({
      code: 'invalid-token',
      status: 401,
      detail: 'Mã đã hết hạn.',
    });
    expect(toProblemDetails(error, 'en')).toMatchObject({ detail: 'The token has expired.' });
  });
});
