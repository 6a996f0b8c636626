import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DisclosureEvent } from './disclosure-event.js';
import {
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

describe('disclosureTopicConfig', () => {
  it('retains by time, never compacts', () => {
    expect(disclosureTopicConfig(2)).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '172800000',
    });
  });
});
