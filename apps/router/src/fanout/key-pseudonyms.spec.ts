import { beforeEach, describe, expect, it } from '@jest/globals';
import { CE_HEADERS, DELIVERY_HEADERS } from '@lienthong/contracts';
import type { Subscription } from '@lienthong/delivery';
import { fallbackPseudonymSecret, keyPseudonym, newPseudonymSecret } from '@lienthong/delivery';
import type { RegistryRecord, SchemaVersionCommand } from '@lienthong/registry';
import { REGISTRY_RECORD_FORMAT, RegistryState } from '@lienthong/registry';
import { unpark } from '../retries/retry-consumer.service.js';
import { KEY_PSEUDONYM_SCHEME, KeyPseudonyms } from './key-pseudonyms.js';
import type { RoutedRecord } from './routed-record.js';
import { SubscriptionMatcher } from './subscription-matcher.js';

const TYPE = 'residence.registration';
const OPEN = 'open.type';
const AGENCY = '000.00.00.H29';
const CITIZEN = '001195012345';
const ROUTER_SECRET = 'router-key-pseudonym-secret-of-32+characters';

let commands = 0;
function record(kind: RegistryRecord['kind'], id: string, data: unknown): RegistryRecord {
  commands++;
  return {
    format: REGISTRY_RECORD_FORMAT,
    kind,
    id,
    commandId: `c${commands}`,
    writer: 'w',
    at: '2026-11-27T00:00:00.000Z',
    data,
  };
}

function version(type: string, keyPointer: string, personalData: string[]): RegistryRecord {
  const data: SchemaVersionCommand = {
    type,
    schema: { type: 'object' },
    metadata: {
      owner: '000.00.00.G01',
      description: { vi: 'Thử', en: 'Test' },
      keyPointer,
      personalData,
      signatureRequired: false,
      examples: [],
    },
  };
  return record('schema-version', `${type}/1`, data);
}

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: `s${++commands}`,
    agency: AGENCY,
    types: [TYPE, OPEN],
    delivery: { mode: 'kafka' },
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: AGENCY,
    pseudonymSecret: newPseudonymSecret(),
    ...overrides,
  };
}

function routed(type: string, key: string): RoutedRecord {
  return {
    origin: `lienthong.records.${type}/0/1`,
    key: Buffer.from(key),
    body: Buffer.from(JSON.stringify({ citizenId: key })),
    payload: { citizenId: key },
    messageId: 'm1',
    type,
    publisher: '000.00.00.G01',
    acceptedAt: Date.parse('2026-06-01T00:00:00Z'),
    schemaVersion: 1,
    attributes: { id: 'm1', source: '000.00.00.G01', type, subject: key },
    carried: { [CE_HEADERS.id]: 'm1', [CE_HEADERS.type]: type, [CE_HEADERS.subject]: key },
    publisherSignature: undefined,
  };
}

describe('key pseudonyms in the router', () => {
  let state: RegistryState;
  let keys: KeyPseudonyms;
  const grant = (right: string, type: string, granted: boolean) =>
    state.apply(record('grant', `${AGENCY}/${right}/${type}`, { granted }));
  const add = (s: Subscription) => state.apply(record('subscription', s.id, s));

  beforeEach(() => {
    state = new RegistryState(() => ({ compatible: true, reasons: [] }));
    state.apply(version(TYPE, '/citizenId', ['/citizenId', '/fullName']));
    state.apply(version(OPEN, '/code', ['/holder']));
    state.apply(record('agency', AGENCY, { name: 'Sở Tư pháp', status: 'active', roles: ['subscriber'] }));
    grant('subscribe', TYPE, true);
    grant('subscribe', OPEN, true);
    keys = new KeyPseudonyms(state, ROUTER_SECRET);
  });

  it('requires a pseudonym only for a personal key without the grant', () => {
    const s = subscription();
    expect(keys.required(s, TYPE)).toBe(true);
    expect(keys.required(s, OPEN)).toBe(false);
    grant('subscribe-personal-data', TYPE, true);
    expect(keys.required(s, TYPE)).toBe(false);
  });

  it('derives the secret of a subscription without one from the router secret', () => {
    const { pseudonymSecret: _none, ...legacy } = subscription();
    expect(keys.pseudonym(legacy, CITIZEN)).toBe(
      keyPseudonym(fallbackPseudonymSecret(ROUTER_SECRET, legacy.id), CITIZEN),
    );
  });

  it('projects the key and ce_subject to the pseudonym, and keeps them clear with the grant', () => {
    const s = subscription();
    add(s);
    const matcher = new SubscriptionMatcher(state, keys);
    matcher.refresh();
    const [hidden] = matcher.match(routed(TYPE, CITIZEN)).deliveries;
    const pseudonym = keyPseudonym(s.pseudonymSecret!, CITIZEN);
    expect(hidden!.key).toBe(pseudonym);
    expect(hidden!.carried[CE_HEADERS.subject]).toBe(pseudonym);
    expect(hidden!.carried[DELIVERY_HEADERS.keyPseudonym]).toBe(KEY_PSEUDONYM_SCHEME);
    const [open] = matcher.match(routed(OPEN, 'ENT-1')).deliveries;
    expect(open!.carried[CE_HEADERS.subject]).toBe('ENT-1');
    expect(open!.carried[DELIVERY_HEADERS.keyPseudonym]).toBeUndefined();

    grant('subscribe-personal-data', TYPE, true);
    const [clear] = matcher.match(routed(TYPE, CITIZEN)).deliveries;
    expect(clear!.key).toEqual(Buffer.from(CITIZEN));
    expect(clear!.carried[CE_HEADERS.subject]).toBe(CITIZEN);
    expect(clear!.carried[DELIVERY_HEADERS.keyPseudonym]).toBeUndefined();
  });

  it('treats a filter on personal data as matching nothing once the grant is revoked', () => {
    grant('subscribe-personal-data', TYPE, true);
    const bySubject = subscription({ filter: { attribute: 'subject', equals: CITIZEN } });
    const byPointer = subscription({ filter: { pointer: '/fullName', exists: false } });
    add(bySubject);
    add(byPointer);
    const matcher = new SubscriptionMatcher(state, keys);
    matcher.refresh();
    expect(matcher.match(routed(TYPE, CITIZEN)).deliveries).toHaveLength(2);
    grant('subscribe-personal-data', TYPE, false);
    const { deliveries, filtered } = matcher.match(routed(TYPE, CITIZEN));
    expect(deliveries).toEqual([]);
    expect(filtered.map((s) => s.id).sort()).toEqual([bySubject.id, byPointer.id].sort());
  });

  it('pseudonymises a clear subject parked while the grant was held, once it is revoked', () => {
    const s = subscription({
      delivery: { mode: 'webhook', url: 'https://hooks.example.org/x', secret: 'whsec_x' },
    });
    add(s);
    const parked = (subject: string, marked: boolean) => ({
      key: Buffer.from('m1'),
      value: Buffer.from('{}'),
      headers: {
        [CE_HEADERS.id]: 'm1',
        [CE_HEADERS.type]: TYPE,
        [CE_HEADERS.subject]: subject,
        [DELIVERY_HEADERS.subscription]: s.id,
        [DELIVERY_HEADERS.attempts]: '1',
        ...(marked ? { [DELIVERY_HEADERS.keyPseudonym]: KEY_PSEUDONYM_SCHEME } : {}),
      },
    });
    const pseudonym = keyPseudonym(s.pseudonymSecret!, CITIZEN);
    const revoked = unpark(state, keys, parked(CITIZEN, false));
    expect(revoked && 'delivery' in revoked && revoked.delivery.carried[CE_HEADERS.subject]).toBe(pseudonym);
    // Already a pseudonym: not hashed twice.
    const again = unpark(state, keys, parked(pseudonym, true));
    expect(again && 'delivery' in again && again.delivery.carried[CE_HEADERS.subject]).toBe(pseudonym);
    grant('subscribe-personal-data', TYPE, true);
    const held = unpark(state, keys, parked(CITIZEN, false));
    expect(held && 'delivery' in held && held.delivery.carried[CE_HEADERS.subject]).toBe(CITIZEN);
    // Paused: dead-lettered, and the dead letter carries the pseudonym too.
    grant('subscribe-personal-data', TYPE, false);
    add({ ...s, status: 'paused' });
    const inactive = unpark(state, keys, parked(CITIZEN, false));
    expect(
      inactive && 'undeliverable' in inactive && inactive.undeliverable.delivery.carried[CE_HEADERS.subject],
    ).toBe(pseudonym);
  });
});
