import { describe, expect, it } from '@jest/globals';
import { decodeKafkaHeaders } from './kafka-headers.js';
import { parseRegistrySchemaUri, registrySchemaUri } from './schema-uri.js';
import { parseTraceparent } from './trace-context.js';

describe('registry URIs', () => {
  it.each([
    ['urn:lienthong:schema:cu-tru.dang-ky:3', { type: 'cu-tru.dang-ky', version: 3 }],
    ['urn:lienthong:schema:dia-chi:12#/$defs/tinh', { type: 'dia-chi', version: 12 }],
    ['urn:lienthong:schema:dia-chi:01', undefined],
    ['urn:lienthong:schema:dia-chi', undefined],
    ['urn:lienthong:schema::1', undefined],
    ['urn:lienthong:schema:dia-chi:1#name', undefined],
  ])('%s', (uri, parsed) => {
    expect(parseRegistrySchemaUri(uri)).toEqual(parsed);
  });

  it('reads back what it builds', () => {
    expect(registrySchemaUri('ho-tich.khai-sinh', 7)).toBe('urn:lienthong:schema:ho-tich.khai-sinh:7');
    expect(parseRegistrySchemaUri(registrySchemaUri('ho-tich.khai-sinh', 7))).toEqual({
      type: 'ho-tich.khai-sinh',
      version: 7,
    });
  });
});

describe('parseTraceparent', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';

  it('splits a valid version-00 value', () => {
    expect(parseTraceparent(`00-${traceId}-${parentId}-01`)).toEqual({ traceId, parentId, flags: '01' });
  });

  it.each([
    ['absent', undefined],
    ['another version', `01-${traceId}-${parentId}-01`],
    ['upper-case hex', `00-${traceId.toUpperCase()}-${parentId}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${parentId}-01`],
    ['an all-zero parent id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['a short parent id', `00-${traceId}-${parentId.slice(1)}-01`],
    ['trailing data', `00-${traceId}-${parentId}-01-extra`],
  ])('refuses %s', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('decodeKafkaHeaders', () => {
  it('decodes UTF-8 buffers and strings, and skips absent values', () => {
    expect(
      decodeKafkaHeaders({
        ce_source: Buffer.from('000.00.00.G12'),
        'lienthong-note': 'Hà Nội',
        gone: undefined,
      }),
    ).toEqual({ ce_source: '000.00.00.G12', 'lienthong-note': 'Hà Nội' });
    expect(decodeKafkaHeaders(undefined)).toEqual({});
  });

  it('keeps the last value of a repeated header', () => {
    expect(
      decodeKafkaHeaders({
        'lienthong-subscription': [Buffer.from('sub-a'), Buffer.from('sub-b')],
        empty: [],
      }),
    ).toEqual({ 'lienthong-subscription': 'sub-b' });
  });
});
