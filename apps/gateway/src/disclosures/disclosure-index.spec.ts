import { describe, expect, it } from '@jest/globals';
import type { CompactDisclosureEvent, DisclosureDelivery, DisclosureEvent } from '@lienthong/contracts';
import {
  COMPACT_DISCLOSURE_EVENT_FORMAT,
  DISCLOSURE_EVENT_FORMAT,
  LienthongError,
  parseDisclosureEvent,
  subjectHash,
} from '@lienthong/contracts';
import { GatewayKeyring, verifyDisclosureAnswer } from '@lienthong/trust';
import { signDisclosureAnswer } from '@lienthong/trust';
import { DisclosureIndex } from './disclosure-index.js';
import { encodeCursor, parseDisclosureQuery, parseSubjectId } from './disclosures.dto.js';

const secret = 'index-spec-secret-0123456789abcdef';
const citizen = subjectHash(secret, '001099012345');
const other = subjectHash(secret, '001066001122');

function event(
  n: number,
  extra: Partial<DisclosureEvent> = {},
  delivery: Partial<DisclosureDelivery> = {},
): DisclosureEvent {
  return {
    format: DISCLOSURE_EVENT_FORMAT,
    subject: citizen,
    subjectPointer: '/citizenId',
    type: 'residence.registration',
    recordId: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    publisher: '000.00.00.G01',
    deliveries: [
      {
        recipient: '000.00.00.H29',
        subscription: '019a0000-0000-7000-8000-00000000aaaa',
        channel: 'inbox',
        fields: ['/citizenId', '/fullName'],
        purpose: { vi: 'Giải quyết thủ tục', en: 'Handling procedures' },
        legalBasis: 'Luật 91/2025/QH15 Điều 19',
        disclosedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, n)).toISOString(),
        attempt: 1,
        ...delivery,
      },
    ],
    ...extra,
  };
}

describe('DisclosureIndex', () => {
  it('answers a subject newest first, with every member as the event had it', () => {
    const index = new DisclosureIndex();
    for (let n = 0; n < 5; n++) index.add(event(n), 0, n);
    index.add(event(9, { subject: other, subjectPointer: '/householdHeadCitizenId' }), 1, 0);
    const { entries, more } = index.query(citizen, { limit: 10 });
    expect(more).toBe(false);
    expect(entries.map((e) => e.recordId.slice(-1))).toEqual(['4', '3', '2', '1', '0']);
    const { format: _f, subject: _s, deliveries, ...rest } = event(4);
    expect(entries[0]).toEqual({ ...rest, ...deliveries[0] });
    expect(index.query(other, { limit: 10 }).entries.map((e) => e.subjectPointer)).toEqual([
      '/householdHeadCitizenId',
    ]);
    expect(index.query('nobody', { limit: 10 }).entries).toEqual([]);
  });

  it('answers the same for a compact (format 2) event as for the format 1 event of the same deliveries', () => {
    const full = event(1, {}, {});
    const second = { ...full.deliveries[0]!, recipient: '000.00.00.H31', subscription: 's2' };
    const v1: DisclosureEvent = { ...full, deliveries: [full.deliveries[0]!, second] };
    const { recipient, subscription, disclosedAt, attempt, ...context } = full.deliveries[0]!;
    const v2: CompactDisclosureEvent = {
      format: COMPACT_DISCLOSURE_EVENT_FORMAT,
      subject: full.subject,
      subjectPointer: full.subjectPointer,
      type: full.type,
      recordId: full.recordId,
      publisher: full.publisher,
      contexts: [context],
      deliveries: [
        { recipient, subscription, context: 0, disclosedAt, attempt },
        { recipient: '000.00.00.H31', subscription: 's2', context: 0, disclosedAt, attempt },
      ],
    };
    const answer = (bytes: string) => {
      const index = new DisclosureIndex();
      index.add(parseDisclosureEvent(bytes)!, 0, 0);
      return index.query(citizen, { limit: 10 }).entries;
    };
    const fromV1 = answer(JSON.stringify(v1));
    expect(fromV1).toHaveLength(2);
    expect(answer(JSON.stringify(v2))).toEqual(fromV1);
    expect(fromV1.map((e) => [e.recipient, e.purpose, e.legalBasis])).toEqual(
      ['000.00.00.H31', '000.00.00.H29'].map((r) => [r, context.purpose, context.legalBasis]),
    );
  });

  it('interns what repeats: one context for a subscription, whatever the number of records', () => {
    const index = new DisclosureIndex();
    for (let n = 0; n < 3_000; n++) index.add(event(n % 60), 0, n);
    expect(index.stats()).toEqual({ entries: 3_000, subjects: 1, contexts: 1 });
  });

  it('skips an offset it applied already (a consumer re-reading after a rebalance)', () => {
    const index = new DisclosureIndex();
    expect(index.add(event(1), 0, 7)).toBe(true);
    expect(index.add(event(1), 0, 7)).toBe(false);
    expect(index.add(event(1), 1, 7)).toBe(true);
    expect(index.entries).toBe(2);
  });

  it('pages with a position, filters by time and by the types a caller may see', () => {
    const index = new DisclosureIndex();
    for (let n = 0; n < 10; n++) {
      index.add(event(n, n % 2 === 0 ? {} : { type: 'procedure.dossier-status' }), n % 3, n);
    }
    const first = index.query(citizen, { limit: 4 });
    expect(first.more).toBe(true);
    const second = index.query(citizen, { limit: 4, before: first.last! });
    const third = index.query(citizen, { limit: 4, before: second.last! });
    expect([...first.entries, ...second.entries, ...third.entries].map((e) => e.recordId.slice(-1))).toEqual(
      '9876543210'.split(''),
    );
    expect(third.more).toBe(false);
    const window = index.query(citizen, {
      limit: 10,
      since: Date.UTC(2026, 11, 1, 0, 0, 3),
      until: Date.UTC(2026, 11, 1, 0, 0, 6),
    });
    expect(window.entries.map((e) => e.recordId.slice(-1))).toEqual(['5', '4', '3']);
    const owned = index.query(citizen, { limit: 10, typeVisible: (t) => t === 'residence.registration' });
    expect(owned.entries.map((e) => e.recordId.slice(-1))).toEqual(['8', '6', '4', '2', '0']);
  });

  it('indexes each delivery of a fan-out event, and pages through deliveries of one time', () => {
    const index = new DisclosureIndex();
    const at = new Date(Date.UTC(2026, 11, 1)).toISOString();
    const fanOut = event(1);
    fanOut.deliveries = ['000.00.00.H29', '000.00.00.H31', '000.00.00.H79'].map((recipient) => ({
      ...fanOut.deliveries[0]!,
      recipient,
      disclosedAt: at,
    }));
    index.add(fanOut, 0, 0);
    const seen: string[] = [];
    let page = index.query(citizen, { limit: 1 });
    seen.push(...page.entries.map((e) => e.recipient));
    while (page.more) {
      page = index.query(citizen, { limit: 1, before: page.last! });
      seen.push(...page.entries.map((e) => e.recipient));
    }
    expect(seen).toEqual(['000.00.00.H79', '000.00.00.H31', '000.00.00.H29']);
    expect(index.stats()).toEqual({ entries: 3, subjects: 1, contexts: 3 });
  });

  it('keeps time order when a router clock lags, and reads non-UUID record ids', () => {
    const index = new DisclosureIndex();
    index.add(event(5), 0, 0);
    index.add(event(3, { recordId: 'legacy-42' }), 1, 0);
    index.add(event(4), 2, 0);
    expect(index.query(citizen, { limit: 10 }).entries.map((e) => e.recordId.slice(-2))).toEqual([
      '05',
      '04',
      '42',
    ]);
  });
});

describe('disclosure lookup parameters', () => {
  it('reads since, until, limit and a cursor it made', () => {
    const cursor = encodeCursor({ time: 1_764_547_200_000, partition: 2, offset: 41, ordinal: 3 });
    expect(
      parseDisclosureQuery({
        since: '2026-12-01T07:00:00+07:00',
        until: '2026-12-02T00:00:00Z',
        limit: '5',
        cursor,
      }),
    ).toEqual({
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
      limit: 5,
      cursor: { time: 1_764_547_200_000, partition: 2, offset: 41, ordinal: 3 },
    });
    expect(parseDisclosureQuery({})).toEqual({ limit: 100 });
  });

  it.each([
    [{ limit: '0' }],
    [{ limit: '1001' }],
    [{ since: 'yesterday' }],
    [{ since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }],
    [{ cursor: 'bm90IGEgY3Vyc29y' }],
    [{ page: '2' }],
    [{ limit: ['1', '2'] }],
  ])('refuses %j', (query) => {
    expect(() => parseDisclosureQuery(query)).toThrow(expect.objectContaining({ code: 'bad-request' }));
  });

  it('refuses a malformed subject id without repeating it', () => {
    expect(parseSubjectId('001099012345')).toBe('001099012345');
    let thrown: unknown;
    try {
      parseSubjectId('0010 99012345<script>');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LienthongError);
    expect(JSON.stringify(thrown)).not.toContain('99012345');
    expect((thrown as LienthongError).options.detail).not.toContain('99012345');
  });
});

describe('signed answers', () => {
  it('verify offline over the exact bytes, and not over any other', async () => {
    const keyring = await GatewayKeyring.generate();
    const body = Buffer.from(JSON.stringify({ subjectId: '001099012345', disclosures: [] }));
    const signature = await signDisclosureAnswer(body, keyring, 'urn:lienthong:test');
    expect(signature).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    const jwks = keyring.publicJwks();
    await expect(
      verifyDisclosureAnswer(signature, body, jwks, { issuer: 'urn:lienthong:test' }),
    ).resolves.toMatchObject({
      issuer: 'urn:lienthong:test',
    });
    const tampered = Buffer.from(body.toString().replace('[]', '[{}]'));
    await expect(verifyDisclosureAnswer(signature, tampered, jwks)).rejects.toMatchObject({
      reason: 'signature-invalid',
    });
    await expect(verifyDisclosureAnswer(signature, body, jwks, { issuer: 'other' })).rejects.toMatchObject({
      reason: 'iss-mismatch',
    });
  });
});
