import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import type { RegisteredSubscription } from '@lienthong/registry';
import {
  parseCommandBody,
  parseDeadLetterQuery,
  parseListQuery,
  toSubscriptionView,
} from './subscriptions.dto.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

function refusal(run: () => unknown): { code: string; pointers: string[] } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return { code: error.code, pointers: (error.options.errors ?? []).map((e) => e.pointer) };
  }
}

const webhook: RegisteredSubscription = {
  id: '019ac3f2-7d1e-7c41-9b1a-3f0c2d4e5a6b',
  agency: '000.00.00.H29',
  types: ['residence.registration'],
  projection: ['/registrationId'],
  delivery: {
    mode: 'webhook',
    url: 'https://hooks.example.org/x',
    secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
  },
  status: 'active',
  createdAt: '2026-11-28T00:00:00.000Z',
  createdBy: '000.00.00.H29',
  updatedAt: '2026-11-28T00:00:00.000Z',
};

describe('toSubscriptionView', () => {
  it('never shows the webhook secret unless asked (the creation answer only)', () => {
    expect(toSubscriptionView(webhook).delivery).toEqual({
      mode: 'webhook',
      url: 'https://hooks.example.org/x',
    });
    expect(toSubscriptionView(webhook, { withSecret: true }).delivery).toEqual(webhook.delivery);
    expect(JSON.stringify(toSubscriptionView(webhook))).not.toContain('whsec_');
  });

  it('names the inbox topic of a kafka subscription', () => {
    const view = toSubscriptionView({ ...webhook, delivery: { mode: 'kafka' } });
    expect(view.delivery).toEqual({ mode: 'kafka', topic: 'lienthong.inbox.000.00.00.H29' });
  });
});

describe('parseCommandBody', () => {
  it('normalises since to UTC and makes it optional for a redrive', () => {
    expect(parseCommandBody(json({ since: '2026-11-28T07:00:00+07:00' }), { sinceRequired: true })).toBe(
      '2026-11-28T00:00:00.000Z',
    );
    expect(parseCommandBody(undefined, { sinceRequired: false })).toBeUndefined();
    expect(parseCommandBody(json({}), { sinceRequired: false })).toBeUndefined();
  });

  it.each([
    ['no body', undefined, ['/since']],
    ['an array', json([]), ['']],
    ['a date only', json({ since: '2026-11-28' }), ['/since']],
    ['an impossible date', json({ since: '2026-13-40T00:00:00Z' }), ['/since']],
    ['a number', json({ since: 1764288000 }), ['/since']],
    ['an extra member', json({ since: '2026-11-28T00:00:00Z', x: 1 }), ['/x']],
  ])('refuses %s for a replay', (_name, body, pointers) => {
    expect(refusal(() => parseCommandBody(body, { sinceRequired: true }))).toEqual({
      code: 'invalid-subscription-request',
      pointers,
    });
  });
});

describe('query parameters', () => {
  it('reads agency and type for lists, limit for dead letters, and refuses anything else', () => {
    expect(parseListQuery({ agency: '000.00.00.H29', type: 't.x' })).toEqual({
      agency: '000.00.00.H29',
      type: 't.x',
    });
    expect(refusal(() => parseListQuery({ type: ['a', 'b'] }))?.code).toBe('bad-request');
    expect(refusal(() => parseListQuery({ status: 'active' }))?.code).toBe('bad-request');
    expect(parseDeadLetterQuery({})).toEqual({ limit: 100 });
    expect(parseDeadLetterQuery({ limit: '1000' })).toEqual({ limit: 1000 });
    for (const limit of ['0', '1001', '-1', '1e2', 'ten']) {
      expect(refusal(() => parseDeadLetterQuery({ limit }))?.code).toBe('bad-request');
    }
  });
});
