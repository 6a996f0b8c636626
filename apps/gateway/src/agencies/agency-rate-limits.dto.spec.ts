import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import { parseAgencyRateLimits } from './agency-rate-limits.dto.js';

const parse = (body: unknown) => parseAgencyRateLimits(Buffer.from(JSON.stringify(body)));

/** The error a body is refused with: its code and the failing pointers. */
function refusal(body: unknown): { code: string; pointers: string[]; messages: string[] } {
  try {
    parse(body);
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return {
      code: error.code,
      pointers: (error.options.errors ?? []).map((e) => e.pointer),
      messages: (error.options.errors ?? []).map((e) => `${e.message} | ${e.messageVi ?? ''}`),
    };
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseAgencyRateLimits', () => {
  it('takes either route, both, or none', () => {
    const token = { perSecond: 50, burst: 100 };
    const publish = { perSecond: 5_000, burst: 10_000 };
    expect(parse({ token, publish })).toEqual({ token, publish });
    expect(parse({ token })).toEqual({ token });
    expect(parse({ publish: { perSecond: 1, burst: 500 } })).toEqual({
      publish: { perSecond: 1, burst: 500 },
    });
    expect(parse({})).toEqual({});
    // One second's refill is the smallest burst.
    expect(parse({ token: { perSecond: 7, burst: 7 } })).toEqual({ token: { perSecond: 7, burst: 7 } });
  });

  it.each([
    ['not an object', [], ['']],
    ['an unknown route', { query: { perSecond: 1, burst: 1 } }, ['/query']],
    ['a route that is not an object', { token: 5 }, ['/token']],
    ['an unknown member of a route', { token: { perSecond: 1, burst: 2, window: 3 } }, ['/token/window']],
    ['a missing burst', { token: { perSecond: 1 } }, ['/token/burst']],
    ['a missing perSecond', { publish: { burst: 1_000 } }, ['/publish/perSecond']],
    ['zero', { token: { perSecond: 0, burst: 10 } }, ['/token/perSecond']],
    ['a negative number', { token: { perSecond: 5, burst: -10 } }, ['/token/burst']],
    ['a fraction', { token: { perSecond: 0.5, burst: 10 } }, ['/token/perSecond']],
    ['a string', { publish: { perSecond: '1000', burst: 2_000 } }, ['/publish/perSecond']],
    [
      'above the bound',
      { token: { perSecond: 2_000_000, burst: 2_000_000 } },
      ['/token/perSecond', '/token/burst'],
    ],
    ['a burst below perSecond', { token: { perSecond: 50, burst: 49 } }, ['/token/burst']],
    ['a publish burst below a full batch', { publish: { perSecond: 100, burst: 499 } }, ['/publish/burst']],
  ])('refuses %s as invalid-rate-limits with its pointers', (_, body, pointers) => {
    expect(refusal(body)).toMatchObject({ code: 'invalid-rate-limits', pointers });
  });

  it('says why, in English and Vietnamese', () => {
    expect(refusal({ token: { perSecond: 50, burst: 49 } }).messages).toEqual([
      "must be at least perSecond (50): a burst holds at least one second's worth | " +
        'không được nhỏ hơn perSecond (50): mỗi đợt phải chứa được ít nhất lượng của một giây',
    ]);
    expect(refusal({ publish: { perSecond: 100, burst: 499 } }).messages).toEqual([
      'must be a whole number from 500 to 100000000, so that a full batch of records always fits | ' +
        'phải là số nguyên từ 500 đến 100000000, để một lô đầy đủ bản ghi luôn được nhận',
    ]);
  });

  it('refuses an empty body and malformed JSON with the shared codes', () => {
    expect(() => parseAgencyRateLimits(undefined)).toThrow(expect.objectContaining({ code: 'empty-body' }));
    expect(() => parseAgencyRateLimits(Buffer.from('{"token":'))).toThrow(
      expect.objectContaining({ code: 'malformed-json' }),
    );
  });
});
