import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { CompactDisclosureEvent, DisclosureEvent } from './disclosure-event.js';
import {
  COMPACT_DISCLOSURE_EVENT_FORMAT,
  DISCLOSURE_EVENT_FORMAT,
  disclosureTopicConfig,
  parseDisclosureEvent,
  subjectHash,
} from './disclosure-event.js';

const secret = 'a'.repeat(32);

describe('subjectHash', () => {
  it('is base64url HMAC-SHA-256 of the identifier, keyed: another key, another hash', () => {
    const expected = createHmac('sha256', secret).update('001099012345').digest('base64url');
    expect(subjectHash(secret, '001099012345')).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(subjectHash('b'.repeat(32), '001099012345')).not.toBe(expected);
    expect(subjectHash(secret, '001099012346')).not.toBe(expected);
  });
});

describe('parseDisclosureEvent', () => {
  const event: DisclosureEvent = {
    format: DISCLOSURE_EVENT_FORMAT,
    subject: subjectHash(secret, '001099012345'),
    subjectPointer: '/citizenId',
    type: 'residence.registration',
    recordId: '019a0000-0000-7000-8000-000000000000',
    publisher: '000.00.00.G01',
    deliveries: [
      {
        recipient: '000.00.00.H29',
        subscription: '019a0000-0000-7000-8000-000000000001',
        channel: 'inbox',
        fields: ['/citizenId', '/fullName'],
        purpose: { vi: 'Giải quyết thủ tục' },
        legalBasis: 'Luật 91/2025/QH15 Điều 19',
        disclosedAt: '2026-12-03T10:00:00.000Z',
        attempt: 1,
      },
    ],
  };
  const delivery = event.deliveries[0]!;

  it('reads an event', () => {
    expect(parseDisclosureEvent(JSON.stringify(event))).toEqual(event);
  });

  it.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ ...event, format: 'x' })],
    ['a clear subject id', JSON.stringify({ ...event, subject: '001099012345' })],
    ['no deliveries', JSON.stringify({ ...event, deliveries: [] })],
    ['no fields list', JSON.stringify({ ...event, deliveries: [{ ...delivery, fields: '/a' }] })],
    ['an unknown channel', JSON.stringify({ ...event, deliveries: [{ ...delivery, channel: 'mail' }] })],
    ['a bad time', JSON.stringify({ ...event, deliveries: [{ ...delivery, disclosedAt: 'yesterday' }] })],
  ])('refuses %s', (_name, bytes) => {
    expect(parseDisclosureEvent(bytes)).toBeUndefined();
  });
});

describe('parseDisclosureEvent, compact format', () => {
  const context = {
    channel: 'inbox' as const,
    fields: ['/citizenId', '/fullName'],
    purpose: { vi: 'Giải quyết thủ tục', en: 'Procedures' },
    legalBasis: 'Luật 91/2025/QH15 Điều 19',
  };
  const compact: CompactDisclosureEvent = {
    format: COMPACT_DISCLOSURE_EVENT_FORMAT,
    subject: subjectHash(secret, '001099012345'),
    subjectPointer: '/citizenId',
    type: 'residence.registration',
    recordId: '019a0000-0000-7000-8000-000000000000',
    publisher: '000.00.00.G01',
    contexts: [context, { channel: 'webhook', fields: ['/citizenId'], command: 'replay-1' }],
    deliveries: [
      {
        recipient: '000.00.00.H29',
        subscription: 's1',
        context: 0,
        disclosedAt: '2026-12-03T10:00:00.000Z',
        attempt: 1,
      },
      {
        recipient: '000.00.00.H31',
        subscription: 's2',
        context: 0,
        disclosedAt: '2026-12-03T10:00:00.000Z',
        attempt: 1,
      },
      {
        recipient: '000.00.00.H35',
        subscription: 's3',
        context: 1,
        disclosedAt: '2026-12-03T10:00:01.000Z',
        attempt: 2,
      },
    ],
  };
  const first = compact.deliveries[0]!;

  it('reads it with each delivery carrying its context, as a format 1 event would', () => {
    expect(parseDisclosureEvent(JSON.stringify(compact))).toEqual({
      format: COMPACT_DISCLOSURE_EVENT_FORMAT,
      subject: compact.subject,
      subjectPointer: '/citizenId',
      type: 'residence.registration',
      recordId: compact.recordId,
      publisher: '000.00.00.G01',
      deliveries: [
        {
          recipient: '000.00.00.H29',
          subscription: 's1',
          ...context,
          disclosedAt: first.disclosedAt,
          attempt: 1,
        },
        {
          recipient: '000.00.00.H31',
          subscription: 's2',
          ...context,
          disclosedAt: first.disclosedAt,
          attempt: 1,
        },
        {
          recipient: '000.00.00.H35',
          subscription: 's3',
          channel: 'webhook',
          fields: ['/citizenId'],
          disclosedAt: '2026-12-03T10:00:01.000Z',
          attempt: 2,
          command: 'replay-1',
        },
      ],
    });
  });

  it.each([
    ['no contexts', JSON.stringify({ ...compact, contexts: [] })],
    ['a context out of range', JSON.stringify({ ...compact, deliveries: [{ ...first, context: 2 }] })],
    [
      'a context that is not an index',
      JSON.stringify({ ...compact, deliveries: [{ ...first, context: '0' }] }),
    ],
    ['a bad context', JSON.stringify({ ...compact, contexts: [{ ...context, channel: 'mail' }] })],
    ['a delivery without its own facts', JSON.stringify({ ...compact, deliveries: [{ context: 0 }] })],
    ['a clear subject id', JSON.stringify({ ...compact, subject: '001099012345' })],
  ])('refuses %s', (_name, bytes) => {
    expect(parseDisclosureEvent(bytes)).toBeUndefined();
  });
});

describe('disclosureTopicConfig', () => {
  it('retains by time, never compacts', () => {
    expect(disclosureTopicConfig(2)).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '172800000',
    });
  });
});
