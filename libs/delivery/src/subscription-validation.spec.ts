import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import type { SubscribableSchema, SubscriptionValidationContext } from './subscription-validation.js';
import {
  SUBSCRIPTION_LIMITS,
  schemaCanHold,
  validateSubscriptionRequest,
} from './subscription-validation.js';
import { pointerTokens } from './projection.js';

const residence = JSON.parse(readFileSync('schemas/residence.registration/v1.schema.json', 'utf8')) as Record<
  string,
  unknown
>;
const residencePersonal = residence['x-lienthong-personal-data'] as string[];

const open: SubscribableSchema = {
  schema: { type: 'object', properties: { note: { type: 'string' } } },
  personalData: ['/note'],
};

function context(
  grants: string[] = ['subscribe/residence.registration', 'subscribe/open.type'],
  allowPrivateNetworks = false,
): SubscriptionValidationContext {
  const schemas: Record<string, SubscribableSchema[]> = {
    'residence.registration': [
      {
        schema: residence,
        personalData: residencePersonal,
        keyPointer: residence['x-lienthong-key'] as string,
      },
    ],
    'open.type': [open],
  };
  return {
    versionsOf: (type) => schemas[type] ?? [],
    types: () => Object.keys(schemas),
    hasGrant: (right, type) => grants.includes(`${right}/${type}`),
    webhookPolicy: { allowPrivateNetworks },
  };
}

/** The code and failing pointers of a refusal; undefined when accepted. */
function refusal(body: unknown, ctx = context()): { code: string; pointers: string[] } | undefined {
  try {
    validateSubscriptionRequest(body, ctx);
    return undefined;
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return { code: error.code, pointers: (error.options.errors ?? []).map((e) => e.pointer) };
  }
}

const kafka = { mode: 'kafka' };

describe('validateSubscriptionRequest', () => {
  it('returns the normalised request', () => {
    const body = {
      types: ['residence.registration'],
      filter: {
        and: [
          { pointer: '/registrationKind', equals: 'TAM_TRU' },
          { attribute: 'source', in: ['000.00.00.G01'] },
        ],
      },
      projection: ['/registrationId', '/registeringAuthority', '/registrationKind'],
      delivery: { mode: 'webhook', url: 'https://hooks.example.org/lienthong' },
    };
    expect(validateSubscriptionRequest(body, context())).toEqual(body);
    expect(validateSubscriptionRequest({ types: ['open.type'], delivery: kafka }, context())).toEqual({
      types: ['open.type'],
      delivery: kafka,
    });
  });

  it('lets whole records be asked for without the personal-data grant (the router removes those fields)', () => {
    expect(refusal({ types: ['residence.registration'], delivery: kafka })).toBeUndefined();
  });

  it('accepts a pointer above a personal field: only the non-personal part is delivered', () => {
    expect(
      refusal({
        types: ['residence.registration'],
        projection: ['/registeringAuthority', '/validUntil'],
        delivery: kafka,
      }),
    ).toBeUndefined();
  });

  const shape: [string, unknown, string[]][] = [
    ['an array', [], ['']],
    ['no types', { delivery: kafka }, ['/types']],
    ['empty types', { types: [], delivery: kafka }, ['/types']],
    ['a bad type name', { types: ['Residence'], delivery: kafka }, ['/types']],
    ['a type twice', { types: ['open.type', 'open.type'], delivery: kafka }, ['/types']],
    [
      'too many types',
      {
        types: new Array(SUBSCRIPTION_LIMITS.maxTypes + 1).fill(0).map((_, i) => `t.t${i}`),
        delivery: kafka,
      },
      ['/types'],
    ],
    ['an unknown member', { types: ['open.type'], delivery: kafka, agency: '000.00.00.G01' }, ['/agency']],
    ['no delivery', { types: ['open.type'] }, ['/delivery']],
    ['an unknown mode', { types: ['open.type'], delivery: { mode: 'email' } }, ['/delivery/mode']],
    ['a webhook without url', { types: ['open.type'], delivery: { mode: 'webhook' } }, ['/delivery/url']],
    [
      'a client-chosen secret',
      { types: ['open.type'], delivery: { mode: 'webhook', url: 'https://a.example.org', secret: 'x' } },
      ['/delivery/secret'],
    ],
    [
      'a kafka url',
      { types: ['open.type'], delivery: { mode: 'kafka', url: 'https://a.example.org' } },
      ['/delivery/url'],
    ],
    ['an empty projection', { types: ['open.type'], projection: [], delivery: kafka }, ['/projection']],
    [
      'a bad projection pointer',
      { types: ['open.type'], projection: ['/ok', 'note'], delivery: kafka },
      ['/projection/1'],
    ],
    [
      'a projection pointer twice',
      { types: ['open.type'], projection: ['/a', '/a'], delivery: kafka },
      ['/projection/1'],
    ],
    [
      'a bad filter',
      { types: ['open.type'], filter: { pointer: '/a', matches: '.*' }, delivery: kafka },
      ['/filter/matches'],
    ],
    [
      'every problem at once',
      { types: 'open.type', filter: [], projection: [''], delivery: { mode: 'kafka', x: 1 } },
      ['/types', '/filter', '/projection/0', '/delivery/x'],
    ],
  ];
  it.each(shape)('refuses %s (422)', (_name, body, pointers) => {
    expect(refusal(body)).toEqual({ code: 'invalid-subscription-request', pointers });
  });

  it('refuses a webhook URL by its scheme, credentials or literal address (422)', () => {
    for (const url of [
      'http://hooks.example.org/x',
      'https://u:p@hooks.example.org/x',
      'https://127.0.0.1/x',
      'not a url',
    ]) {
      expect(refusal({ types: ['open.type'], delivery: { mode: 'webhook', url } })).toEqual({
        code: 'webhook-url-refused',
        pointers: ['/delivery/url'],
      });
    }
    expect(
      refusal(
        { types: ['open.type'], delivery: { mode: 'webhook', url: 'http://127.0.0.1:8080/x' } },
        context(undefined, true),
      ),
    ).toBeUndefined();
  });

  it('refuses types that are not registered (404), naming each', () => {
    expect(refusal({ types: ['open.type', 'no.such', 'nor.this'], delivery: kafka })).toEqual({
      code: 'unknown-type',
      pointers: ['/types/1', '/types/2'],
    });
  });

  it('refuses a type without the subscribe grant (403)', () => {
    expect(
      refusal(
        { types: ['open.type', 'residence.registration'], delivery: kafka },
        context(['subscribe/open.type']),
      ),
    ).toEqual({
      code: 'forbidden',
      pointers: ['/types/1'],
    });
  });

  it('refuses a pointer no listed type can hold (422), accepting one that any listed type can', () => {
    expect(
      refusal({
        types: ['residence.registration'],
        filter: { pointer: '/adress/provinceCode', equals: '01' },
        projection: ['/registrationId', '/address/province'],
        delivery: kafka,
      }),
    ).toEqual({ code: 'invalid-subscription-request', pointers: ['/filter/pointer', '/projection/1'] });
    // open.type has an open content model: any member may exist there.
    expect(
      refusal({ types: ['residence.registration', 'open.type'], projection: ['/anything'], delivery: kafka }),
    ).toBeUndefined();
  });

  it('refuses personal data in a projection or a filter without the grant (403), naming each pointer', () => {
    const body = {
      types: ['residence.registration'],
      filter: { pointer: '/citizenId', equals: '001203012345' },
      projection: ['/registrationId', '/address/detail', '/fullName'],
      delivery: kafka,
    };
    expect(refusal(body)).toEqual({
      code: 'personal-data-not-granted',
      pointers: ['/filter/pointer', '/projection/1', '/projection/2'],
    });
    const granted = context([
      'subscribe/residence.registration',
      'subscribe-personal-data/residence.registration',
    ]);
    expect(
      refusal(
        { ...body, purpose: { vi: 'Xác minh cư trú' }, legalBasis: 'Luật 91/2025/QH15 Điều 19' },
        granted,
      ),
    ).toBeUndefined();
  });

  it('checks personal data per type: a grant for one type does not cover another', () => {
    const body = { types: ['residence.registration', 'open.type'], projection: ['/note'], delivery: kafka };
    const ctx = context([
      'subscribe/residence.registration',
      'subscribe/open.type',
      'subscribe-personal-data/residence.registration',
    ]);
    expect(refusal(body, ctx)).toEqual({ code: 'personal-data-not-granted', pointers: ['/projection/0'] });
  });

  it('refuses a filter on the subject when the record key is personal data, without the grant', () => {
    // residence.registration is keyed by /citizenId, which is personal data.
    const body = {
      types: ['residence.registration'],
      filter: {
        or: [
          { attribute: 'subject', equals: '001195012345' },
          {
            and: [
              { attribute: 'source', equals: '000.00.00.G01' },
              { attribute: 'subject', in: ['x'] },
            ],
          },
        ],
      },
      delivery: kafka,
    };
    expect(refusal(body)).toEqual({
      code: 'personal-data-not-granted',
      pointers: ['/filter/or/0/attribute', '/filter/or/1/and/1/attribute'],
    });
    const granted = context([
      'subscribe/residence.registration',
      'subscribe-personal-data/residence.registration',
    ]);
    expect(
      refusal(
        { ...body, purpose: { vi: 'Xác minh cư trú' }, legalBasis: 'Luật 91/2025/QH15 Điều 19' },
        granted,
      ),
    ).toBeUndefined();
    // open.type declares no key pointer here: its subject is not known to be personal.
    expect(
      refusal({ types: ['open.type'], filter: { attribute: 'subject', equals: 'a' }, delivery: kafka }),
    ).toBeUndefined();
  });
});

describe('schemaCanHold', () => {
  const can = (pointer: string, schema: Record<string, unknown> | boolean = residence) =>
    schemaCanHold(schema, pointerTokens(pointer));

  it('follows properties, local $refs and closed content models', () => {
    expect(can('/registrationId')).toBe(true);
    expect(can('/address/provinceCode')).toBe(true); // through #/$defs/address
    expect(can('/address/zip')).toBe(false); // the address is closed
    expect(can('/registrationId/0')).toBe(false); // a string has no members
    expect(can('/unknown')).toBe(false);
  });

  it('answers "maybe" for what it does not model', () => {
    expect(can('/x', true)).toBe(true);
    expect(can('/x', false)).toBe(false);
    expect(can('/x/y', { type: 'object' })).toBe(true);
    expect(can('/x', { $ref: 'urn:lienthong:schema:other:1' })).toBe(true);
    expect(can('/x', { type: 'object', additionalProperties: false, patternProperties: { '^x': {} } })).toBe(
      true,
    );
  });

  it('walks arrays, tuples, combinators and survives recursive references', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        list: {
          type: 'array',
          maxItems: 2,
          items: { type: 'object', properties: { a: {} }, additionalProperties: false },
        },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'object' }], items: false },
        either: {
          anyOf: [{ type: 'string' }, { type: 'object', properties: { b: {} }, additionalProperties: false }],
        },
        tree: { $ref: '#/$defs/node' },
      },
      $defs: {
        node: {
          type: 'object',
          properties: { child: { $ref: '#/$defs/node' } },
          additionalProperties: false,
        },
      },
    };
    expect(can('/list/1/a', schema)).toBe(true);
    expect(can('/list/2/a', schema)).toBe(false);
    expect(can('/list/x', schema)).toBe(false);
    expect(can('/list/0/b', schema)).toBe(false);
    expect(can('/pair/1/anything', schema)).toBe(true);
    expect(can('/pair/0/x', schema)).toBe(false);
    expect(can('/pair/2', schema)).toBe(false);
    expect(can('/either/b', schema)).toBe(true);
    expect(can('/either/c', schema)).toBe(false);
    expect(can(`/tree${'/child'.repeat(100)}`, schema)).toBe(true);
    expect(can('/tree/child/leaf', schema)).toBe(false);
    expect(can('/x', { $ref: '#' })).toBe(true);
  });
});

describe('purpose and legal basis', () => {
  const granted = context([
    'subscribe/residence.registration',
    'subscribe-personal-data/residence.registration',
    'subscribe/open.type',
  ]);
  const basis = {
    purpose: { vi: 'Giải quyết thủ tục đăng ký thường trú', en: 'Handling permanent residence registration' },
    legalBasis: 'Luật 91/2025/QH15 Điều 19',
  };

  it('requires both when the agency holds subscribe-personal-data on a listed type', () => {
    expect(refusal({ types: ['residence.registration', 'open.type'], delivery: kafka }, granted)).toEqual({
      code: 'disclosure-basis-required',
      pointers: ['/purpose', '/legalBasis'],
    });
    expect(
      refusal({ types: ['residence.registration'], delivery: kafka, purpose: basis.purpose }, granted),
    ).toEqual({ code: 'disclosure-basis-required', pointers: ['/legalBasis'] });
  });

  it('keeps them, NFC-normalised, and does not ask them of a subscriber without the grant', () => {
    const decomposed = 'Nghi\u0323 đi\u0323nh 278/2025/NĐ-CP Điều 5 khoản 2 điểm a';
    const result = validateSubscriptionRequest(
      { types: ['residence.registration'], delivery: kafka, ...basis, legalBasis: decomposed },
      granted,
    );
    expect(result.purpose).toEqual(basis.purpose);
    expect(result.legalBasis).toBe('Nghị định 278/2025/NĐ-CP Điều 5 khoản 2 điểm a');
    expect(refusal({ types: ['residence.registration'], delivery: kafka })).toBeUndefined();
  });

  it.each([
    ['Luật 91/2025/QH15', true],
    ['Luật số 91/2025/QH15 Điều 19', true],
    ['Quyết định 20/2020/QĐ-TTg', true],
    ['Thông tư 01/2023/TT-BCA Điều 3 Khoản 1', true],
    ['Law 91/2025/QH15', false],
    ['Luật 91/2025/QH15 Điều', false],
    ['Luật 91/2025', false],
    ['  Luật 91/2025/QH15', false],
    ['Luật 91/2025/QH15 Điều 19; DROP', false],
  ])('legal basis %j is %s', (legalBasis, ok) => {
    const answer = refusal({ types: ['open.type'], delivery: kafka, ...basis, legalBasis });
    expect(answer).toEqual(
      ok ? undefined : { code: 'invalid-subscription-request', pointers: ['/legalBasis'] },
    );
  });

  it.each([
    ['a string', 'Giải quyết thủ tục'],
    ['no Vietnamese', { en: 'Handling' }],
    ['an empty Vietnamese text', { vi: ' ' }],
    ['another language', { vi: 'Mục đích', fr: 'But' }],
    ['a text too long', { vi: 'x'.repeat(501) }],
  ])('refuses a purpose that is %s', (_name, purpose) => {
    expect(refusal({ types: ['open.type'], delivery: kafka, ...basis, purpose })).toEqual({
      code: 'invalid-subscription-request',
      pointers: ['/purpose'],
    });
  });
});
