import { describe, expect, it } from '@jest/globals';
import { parseDisclosureEvent } from '@lienthong/contracts';
import type { Delivery } from '../fanout/subscription-matcher.js';
import { DisclosureCollector, disclosureBatches } from './disclosure-log.js';

const hash = (c: string) => c.repeat(43);
function delivery(record: string, agency: string, extra: Partial<Delivery> = {}): Delivery {
  return {
    subscription: {
      id: `sub-${agency}`,
      agency,
      types: ['residence.registration'],
      delivery: { mode: 'kafka' },
      status: 'active',
      createdAt: '',
      createdBy: agency,
      purpose: { vi: 'Giải quyết thủ tục "cư trú"' },
      legalBasis: 'Luật 91/2025/QH15 Điều 19',
    },
    messageId: record,
    type: 'residence.registration',
    publisher: '000.00.00.G01',
    key: null,
    body: Buffer.from('{}'),
    carried: {},
    attempts: 0,
    origin: 't/0/0',
    disclosure: {
      subjects: [
        { hash: hash('a'), pointer: '/citizenId' },
        { hash: hash('b'), pointer: '/householdHeadCitizenId' },
      ],
      fields: ['/citizenId', '/fullName'],
    },
    ...extra,
  };
}

describe('DisclosureCollector', () => {
  it('writes one compact event per record and subject with every delivery, as the contract reads it', () => {
    const collector = new DisclosureCollector();
    const at = new Date(Date.UTC(2026, 11, 3));
    collector.add(delivery('r1', '000.00.00.H29'), 'inbox', at);
    collector.add(delivery('r1', '000.00.00.H31'), 'inbox', at);
    collector.add(
      delivery('r2', '000.00.00.H29', { attempts: 2, carried: { 'lienthong-command': 'c1' } }),
      'webhook',
      at,
    );
    collector.add(delivery('r3', '000.00.00.H29', { disclosure: undefined }), 'inbox', at);
    const messages = collector.messages();
    expect(messages.map((m) => m.key)).toEqual([hash('a'), hash('b'), hash('a'), hash('b')]);
    const events = messages.map((m) => parseDisclosureEvent(m.value as string));
    expect(events[0]).toEqual({
      format: 'lienthong.disclosure/2',
      subject: hash('a'),
      subjectPointer: '/citizenId',
      type: 'residence.registration',
      recordId: 'r1',
      publisher: '000.00.00.G01',
      deliveries: ['000.00.00.H29', '000.00.00.H31'].map((recipient) => ({
        recipient,
        subscription: `sub-${recipient}`,
        channel: 'inbox',
        fields: ['/citizenId', '/fullName'],
        purpose: { vi: 'Giải quyết thủ tục "cư trú"' },
        legalBasis: 'Luật 91/2025/QH15 Điều 19',
        disclosedAt: at.toISOString(),
        attempt: 1,
      })),
    });
    // The context the two deliveries share is written once.
    const raw = JSON.parse(messages[0]!.value as string) as { contexts: unknown[]; deliveries: unknown[] };
    expect(raw.contexts).toEqual([
      {
        channel: 'inbox',
        fields: ['/citizenId', '/fullName'],
        purpose: { vi: 'Giải quyết thủ tục "cư trú"' },
        legalBasis: 'Luật 91/2025/QH15 Điều 19',
      },
    ]);
    expect(raw.deliveries).toEqual([
      expect.objectContaining({ recipient: '000.00.00.H29', context: 0 }),
      expect.objectContaining({ recipient: '000.00.00.H31', context: 0 }),
    ]);
    expect(events[1]?.subjectPointer).toBe('/householdHeadCitizenId');
    expect(events[3]?.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', attempt: 3, command: 'c1', recipient: '000.00.00.H29' }),
    ]);
  });
});

describe('disclosureBatches', () => {
  it('cuts requests by the bytes of their values, never leaving one empty', () => {
    const m = (n: number) => ({ key: 'k', value: 'x'.repeat(n) });
    expect(disclosureBatches([m(4), m(4), m(4)], 8).map((b) => b.length)).toEqual([2, 1]);
    expect(disclosureBatches([m(20), m(1)], 8).map((b) => b.length)).toEqual([1, 1]);
    expect(disclosureBatches([], 8)).toEqual([]);
  });
});
