import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import { COMPATIBILITY_LEVELS } from './compatibility-level.js';
import type { CompatibilityRule } from './compatibility-rules.js';
import { assertCompatible, checkCompatibility } from './compatibility-checker.js';
import { findBreaks, isSubschema } from './schema-inclusion.js';

type Schema = Record<string, unknown>;

/** Rules broken when `next` follows `previous` in the given direction, sorted. */
function broken(previous: unknown, next: unknown, level: 'BACKWARD' | 'FORWARD'): CompatibilityRule[] {
  return checkCompatibility(next, [{ version: 1, schema: previous }], level)
    .reasons.map((r) => r.rule)
    .sort();
}

const object = (properties: Schema, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const str: Schema = { type: 'string' };
const closed = { additionalProperties: false };

/**
 * Each change, with the rules it breaks in each direction. BACKWARD: the new schema reads data
 * written with the old one. FORWARD: the old schema reads data written with the new one.
 */
const CHANGES: readonly {
  change: string;
  from: unknown;
  to: unknown;
  backward: CompatibilityRule[];
  forward: CompatibilityRule[];
}[] = [
  // Content model
  {
    change: 'optional property added to a closed model',
    from: object({ a: str }, closed),
    to: object({ a: str, b: str }, closed),
    backward: [],
    forward: ['property-removed-from-closed-model'],
  },
  {
    change: 'optional property added to an open model',
    from: object({ a: str }),
    to: object({ a: str, b: str }),
    backward: ['property-added-to-open-model'],
    forward: [],
  },
  {
    change: 'unconstrained property added to an open model',
    from: object({ a: str }),
    to: object({ a: str, b: { description: 'anything' } }),
    backward: [],
    forward: [],
  },
  {
    change: 'property removed from an open model',
    from: object({ a: str, b: str }),
    to: object({ a: str }),
    backward: [],
    forward: ['property-added-to-open-model'],
  },
  {
    change: 'property removed from a closed model',
    from: object({ a: str, b: str }, closed),
    to: object({ a: str }, closed),
    backward: ['property-removed-from-closed-model'],
    forward: [],
  },
  {
    change: 'property added to a partially open model it fits',
    from: object({ a: str }, { additionalProperties: str }),
    to: object({ a: str, b: { type: 'string' } }, { additionalProperties: str }),
    backward: [],
    forward: [],
  },
  {
    change: 'property added to a partially open model it does not fit',
    from: object({ a: str }, { additionalProperties: str }),
    to: object({ a: str, b: { type: 'string', maxLength: 5 } }, { additionalProperties: str }),
    backward: ['property-added-not-covered-by-partially-open-model'],
    forward: [],
  },
  {
    change: 'property removed from a partially open model that does not cover it',
    from: object({ a: str, n: { type: 'integer' } }, { additionalProperties: str }),
    to: object({ a: str }, { additionalProperties: str }),
    backward: ['property-removed-not-covered-by-partially-open-model'],
    forward: ['property-added-not-covered-by-partially-open-model'],
  },
  // Required
  {
    change: 'required property added',
    from: object({ a: str }, closed),
    to: object({ a: str, b: str }, { ...closed, required: ['b'] }),
    backward: ['required-property-added'],
    forward: ['property-removed-from-closed-model'],
  },
  {
    change: 'required property with a default added',
    from: object({ a: str }, closed),
    to: object({ a: str, b: { type: 'string', default: 'x' } }, { ...closed, required: ['b'] }),
    backward: [],
    forward: ['property-removed-from-closed-model'],
  },
  {
    change: 'existing property made required',
    from: object({ a: str, b: str }),
    to: object({ a: str, b: str }, { required: ['b'] }),
    backward: ['property-made-required'],
    forward: [],
  },
  {
    change: 'existing property made required with a default',
    from: object({ a: str, b: str }),
    to: object({ a: str, b: { type: 'string', default: 'x' } }, { required: ['b'] }),
    backward: [],
    forward: [],
  },
  // Types
  {
    change: 'type widened with null',
    from: str,
    to: { type: ['string', 'null'] },
    backward: [],
    forward: ['type-narrowed'],
  },
  {
    change: 'integer widened to number',
    from: { type: 'integer' },
    to: { type: 'number' },
    backward: [],
    forward: ['type-narrowed'],
  },
  {
    change: 'type changed',
    from: str,
    to: { type: 'integer' },
    backward: ['type-changed'],
    forward: ['type-changed'],
  },
  {
    change: 'type added where there was none',
    from: { minLength: 1 },
    to: { type: 'string', minLength: 1 },
    backward: ['type-narrowed'],
    forward: [],
  },
  // Enumerations
  {
    change: 'enum value added',
    from: { type: 'string', enum: ['A', 'B'] },
    to: { type: 'string', enum: ['A', 'B', 'C'] },
    backward: [],
    forward: ['enum-narrowed'],
  },
  {
    change: 'enum introduced',
    from: str,
    to: { type: 'string', enum: ['A'] },
    backward: ['enum-added'],
    forward: [],
  },
  {
    change: 'const changed',
    from: { const: 'v1' },
    to: { const: 'v2' },
    backward: ['const-changed'],
    forward: ['const-changed'],
  },
  {
    change: 'const widened to an enum',
    from: { const: 'A' },
    to: { enum: ['A', 'B'] },
    backward: [],
    forward: ['const-changed'],
  },
  {
    change: 'const introduced',
    from: str,
    to: { type: 'string', const: 'A' },
    backward: ['const-added'],
    forward: [],
  },
  {
    change: 'pattern added that every enum value matches',
    from: { type: 'string', enum: ['AB', 'CD'] },
    to: { type: 'string', enum: ['AB', 'CD'], pattern: '^[A-Z]{2}$' },
    backward: [],
    forward: [],
  },
  {
    change: 'format added that every enum value meets',
    from: { type: 'string', enum: ['2025-01-31'] },
    to: { type: 'string', enum: ['2025-01-31'], format: 'date' },
    backward: [],
    forward: [],
  },
  {
    change: 'format added that an enum value fails',
    from: { type: 'string', enum: ['31/01/2025'] },
    to: { type: 'string', enum: ['31/01/2025'], format: 'date' },
    backward: ['format-tightened'],
    forward: [],
  },
  {
    change: 'boolean narrowed to a const',
    from: { type: 'boolean' },
    to: { type: 'boolean', const: true },
    backward: ['const-changed'],
    forward: [],
  },
  // String bounds
  {
    change: 'minLength relaxed',
    from: { type: 'string', minLength: 3 },
    to: { type: 'string', minLength: 1 },
    backward: [],
    forward: ['min-length-tightened'],
  },
  {
    change: 'maxLength relaxed',
    from: { type: 'string', maxLength: 10 },
    to: { type: 'string', maxLength: 20 },
    backward: [],
    forward: ['max-length-tightened'],
  },
  {
    change: 'maxLength added',
    from: str,
    to: { type: 'string', maxLength: 20 },
    backward: ['max-length-tightened'],
    forward: [],
  },
  {
    change: 'pattern added',
    from: str,
    to: { type: 'string', pattern: '^[0-9]+$' },
    backward: ['pattern-tightened'],
    forward: [],
  },
  {
    change: 'pattern changed',
    from: { type: 'string', pattern: '^[0-9]+$' },
    to: { type: 'string', pattern: '^[0-9]{12}$' },
    backward: ['pattern-tightened'],
    forward: ['pattern-tightened'],
  },
  {
    change: 'format added',
    from: str,
    to: { type: 'string', format: 'date' },
    backward: ['format-tightened'],
    forward: [],
  },
  // Numeric bounds
  {
    change: 'minimum lowered',
    from: { type: 'number', minimum: 5 },
    to: { type: 'number', minimum: 0 },
    backward: [],
    forward: ['minimum-tightened'],
  },
  {
    change: 'maximum raised',
    from: { type: 'number', maximum: 5 },
    to: { type: 'number', maximum: 10 },
    backward: [],
    forward: ['maximum-tightened'],
  },
  {
    change: 'exclusiveMinimum added',
    from: { type: 'number', minimum: 0 },
    to: { type: 'number', exclusiveMinimum: 0 },
    backward: ['exclusive-minimum-tightened'],
    forward: [],
  },
  {
    change: 'exclusiveMaximum relaxed to maximum',
    from: { type: 'number', exclusiveMaximum: 10 },
    to: { type: 'number', maximum: 10 },
    backward: [],
    forward: ['exclusive-maximum-tightened'],
  },
  {
    change: 'integer bound spelled differently',
    from: { type: 'integer', minimum: 1 },
    to: { type: 'integer', exclusiveMinimum: 0 },
    backward: [],
    forward: [],
  },
  {
    change: 'multipleOf relaxed to a divisor',
    from: { type: 'number', multipleOf: 10 },
    to: { type: 'number', multipleOf: 5 },
    backward: [],
    forward: ['multiple-of-tightened'],
  },
  {
    change: 'multipleOf 1 on integers',
    from: { type: 'integer' },
    to: { type: 'integer', multipleOf: 1 },
    backward: [],
    forward: [],
  },
  // Arrays
  {
    change: 'minItems relaxed',
    from: { type: 'array', minItems: 2 },
    to: { type: 'array', minItems: 1 },
    backward: [],
    forward: ['min-items-tightened'],
  },
  {
    change: 'maxItems relaxed',
    from: { type: 'array', maxItems: 2 },
    to: { type: 'array', maxItems: 5 },
    backward: [],
    forward: ['max-items-tightened'],
  },
  {
    change: 'uniqueItems dropped',
    from: { type: 'array', uniqueItems: true },
    to: { type: 'array' },
    backward: [],
    forward: ['unique-items-added'],
  },
  {
    change: 'items relaxed',
    from: { type: 'array', items: { type: 'string', maxLength: 5 } },
    to: { type: 'array', items: { type: 'string', maxLength: 10 } },
    backward: [],
    forward: ['max-length-tightened'],
  },
  {
    change: 'tuple closed',
    from: { type: 'array', prefixItems: [str] },
    to: { type: 'array', prefixItems: [str], items: false },
    backward: ['additional-items-narrowed'],
    forward: [],
  },
  {
    change: 'contains added',
    from: { type: 'array' },
    to: { type: 'array', contains: { const: 'x' } },
    backward: ['contains-tightened'],
    forward: [],
  },
  // Objects
  {
    change: 'additionalProperties widened',
    from: object({}, { additionalProperties: str }),
    to: object({}),
    backward: [],
    forward: ['additional-properties-narrowed'],
  },
  {
    change: 'additionalProperties opened',
    from: object({ a: str }, closed),
    to: object({ a: str }, { additionalProperties: str }),
    backward: [],
    forward: ['additional-properties-narrowed'],
  },
  {
    change: 'minProperties relaxed',
    from: object({}, { minProperties: 2 }),
    to: object({}, { minProperties: 1 }),
    backward: [],
    forward: ['min-properties-tightened'],
  },
  {
    change: 'maxProperties relaxed',
    from: object({}, { maxProperties: 2 }),
    to: object({}, { maxProperties: 3 }),
    backward: [],
    forward: ['max-properties-tightened'],
  },
  {
    change: 'propertyNames dropped',
    from: object({}, { propertyNames: { maxLength: 3 } }),
    to: object({}),
    backward: [],
    forward: ['property-names-tightened'],
  },
  {
    change: 'patternProperties relaxed',
    from: object({}, { patternProperties: { '^x-': { type: 'string', maxLength: 3 } } }),
    to: object({}, { patternProperties: { '^x-': str } }),
    backward: [],
    forward: ['max-length-tightened'],
  },
  {
    change: 'patternProperties added to an open model',
    from: object({}),
    to: object({}, { patternProperties: { '^x-': str } }),
    backward: ['pattern-properties-narrowed'],
    forward: [],
  },
  {
    change: 'dependentRequired dropped',
    from: object({ a: str, b: str }, { dependentRequired: { a: ['b'] } }),
    to: object({ a: str, b: str }),
    backward: [],
    forward: ['dependent-required-added'],
  },
  {
    change: 'dependentSchemas dropped',
    from: object({ a: str, b: str }, { dependentSchemas: { a: { required: ['b'] } } }),
    to: object({ a: str, b: str }),
    backward: [],
    forward: ['dependent-schema-tightened'],
  },
  {
    change: 'property set to false',
    from: object({ a: str, b: str }),
    to: object({ a: str, b: false }),
    backward: ['schema-rejects-all'],
    forward: [],
  },
  // Combinations
  {
    change: 'anyOf branch added',
    from: { anyOf: [str, { type: 'integer' }] },
    to: { anyOf: [str, { type: 'integer' }, { type: 'null' }] },
    backward: [],
    forward: ['any-of-narrowed'],
  },
  {
    change: 'oneOf branch added, disjoint',
    from: { oneOf: [str, { type: 'integer' }] },
    to: { oneOf: [str, { type: 'integer' }, { type: 'null' }] },
    backward: [],
    forward: ['one-of-narrowed'],
  },
  {
    change: 'oneOf branch added, overlapping',
    from: { oneOf: [{ type: 'string', maxLength: 5 }] },
    to: {
      oneOf: [
        { type: 'string', maxLength: 5 },
        { type: 'string', minLength: 3 },
      ],
    },
    backward: ['one-of-not-exclusive'],
    forward: ['one-of-narrowed'],
  },
  {
    change: 'oneOf discriminated by a const property gains a variant',
    from: {
      oneOf: [
        object({ kind: { const: 'a' }, x: str }, { required: ['kind'] }),
        object({ kind: { const: 'b' } }, { required: ['kind'] }),
      ],
    },
    to: {
      oneOf: [
        object({ kind: { const: 'a' }, x: str }, { required: ['kind'] }),
        object({ kind: { const: 'b' } }, { required: ['kind'] }),
        object({ kind: { const: 'c' } }, { required: ['kind'] }),
      ],
    },
    backward: [],
    forward: ['one-of-narrowed'],
  },
  {
    change: 'a value wrapped in anyOf with null',
    from: str,
    to: { anyOf: [str, { type: 'null' }] },
    backward: [],
    forward: ['type-narrowed'],
  },
  {
    change: 'a type list spelled as anyOf',
    from: { type: ['string', 'null'] },
    to: { anyOf: [str, { type: 'null' }] },
    backward: [],
    forward: [],
  },
  {
    change: 'if/then added that the old data already meets',
    from: object({ kind: str, x: str }, { required: ['x'] }),
    to: object(
      { kind: str, x: str },
      { required: ['x'], if: object({ kind: { const: 'a' } }), then: { required: ['x'] } },
    ),
    backward: [],
    forward: [],
  },
  {
    change: 'pattern property added that overlaps an existing one',
    from: object({}, { patternProperties: { '^x': str } }),
    to: object({}, { patternProperties: { '^x': str, '^x-y': { type: 'string', maxLength: 2 } } }),
    backward: ['pattern-properties-narrowed'],
    forward: [],
  },
  {
    change: 'not added, disjoint from the data',
    from: str,
    to: { type: 'string', not: { type: 'null' } },
    backward: [],
    forward: [],
  },
  {
    change: 'not added, overlapping the data',
    from: str,
    to: { type: 'string', not: { const: 'x' } },
    backward: ['unsupported-construct'],
    forward: [],
  },
  {
    change: 'if/then added',
    from: object({ kind: str, x: str }),
    to: object({ kind: str, x: str }, { if: object({ kind: { const: 'a' } }), then: { required: ['x'] } }),
    backward: ['unsupported-construct'],
    forward: [],
  },
  {
    change: 'unevaluatedProperties next to allOf',
    from: object({ a: str }),
    to: { type: 'object', allOf: [object({ a: str })], unevaluatedProperties: false },
    backward: ['unsupported-construct'],
    forward: [],
  },
  {
    change: 'unevaluatedProperties alone, as a closed model',
    from: object({ a: str, b: str }, { unevaluatedProperties: false }),
    to: object({ a: str }, { unevaluatedProperties: false }),
    backward: ['property-removed-from-closed-model'],
    forward: [],
  },
];

describe('rules, in both directions', () => {
  it.each(CHANGES)('$change', ({ from, to, backward, forward }) => {
    expect(broken(from, to, 'BACKWARD')).toEqual([...backward].sort());
    expect(broken(from, to, 'FORWARD')).toEqual([...forward].sort());
  });

  it('covers every rule with an incompatible case', () => {
    const seen = new Set(CHANGES.flatMap((c) => [...c.backward, ...c.forward]));
    const rules = [
      'property-removed-from-closed-model',
      'property-added-to-open-model',
      'property-added-not-covered-by-partially-open-model',
      'property-removed-not-covered-by-partially-open-model',
      'required-property-added',
      'property-made-required',
      'type-narrowed',
      'type-changed',
      'enum-narrowed',
      'enum-added',
      'const-changed',
      'const-added',
      'min-length-tightened',
      'max-length-tightened',
      'pattern-tightened',
      'format-tightened',
      'minimum-tightened',
      'maximum-tightened',
      'exclusive-minimum-tightened',
      'multiple-of-tightened',
      'min-items-tightened',
      'max-items-tightened',
      'unique-items-added',
      'additional-items-narrowed',
      'contains-tightened',
      'additional-properties-narrowed',
      'min-properties-tightened',
      'max-properties-tightened',
      'property-names-tightened',
      'pattern-properties-narrowed',
      'dependent-required-added',
      'dependent-schema-tightened',
      'schema-rejects-all',
      'any-of-narrowed',
      'one-of-narrowed',
      'one-of-not-exclusive',
      'unsupported-construct',
    ];
    expect(rules.filter((r) => !seen.has(r as CompatibilityRule))).toEqual([]);
  });
});

describe('pointers and references', () => {
  it('points into the candidate, following $ref to #/$defs within each document', () => {
    const v1 = {
      type: 'object',
      properties: { addr: { $ref: '#/$defs/address' } },
      $defs: { address: { type: 'string', maxLength: 100 } },
    };
    const v2 = {
      type: 'object',
      properties: { addr: { $ref: '#/$defs/addr' } },
      $defs: { addr: { type: 'string', maxLength: 50 } },
    };
    const backward = checkCompatibility(v2, [{ version: 1, schema: v1 }], 'BACKWARD');
    expect(backward.reasons).toEqual([
      expect.objectContaining({
        rule: 'max-length-tightened',
        pointer: '/$defs/addr/maxLength',
        againstVersion: 1,
        direction: 'backward',
      }),
    ]);
    // The same limit reached through a $ref in one document and inline in the other.
    const inline = { type: 'object', properties: { addr: { type: 'string', maxLength: 100 } } };
    expect(checkCompatibility(inline, [{ version: 1, schema: v1 }], 'FULL').compatible).toBe(true);
  });

  it('reports a forward break at the pointer in the candidate', () => {
    const v1 = object({ a: { type: 'string', maxLength: 10 } });
    const v2 = object({ a: { type: 'string', maxLength: 20 } });
    expect(checkCompatibility(v2, [{ version: 1, schema: v1 }], 'FORWARD').reasons).toEqual([
      expect.objectContaining({
        rule: 'max-length-tightened',
        pointer: '/properties/a/maxLength',
        direction: 'forward',
      }),
    ]);
  });

  it('names the property for content-model changes', () => {
    const result = checkCompatibility(
      object({ a: str }, closed),
      [{ version: 3, schema: object({ a: str, b: str }, closed) }],
      'BACKWARD',
    );
    expect(result.reasons[0]).toMatchObject({ pointer: '/properties/b', againstVersion: 3 });
    expect(result.reasons[0]!.message).toMatch(/"b"/);
    expect(result.reasons[0]!.message).toMatch(/^The new schema/);
    expect(result.reasons[0]!.message).toMatch(/version 3/);
    expect(result.reasons[0]!.messageVi).toMatch(/phiên bản 3/);
  });

  it('compares recursive schemas without looping', () => {
    const tree = (extra: Schema): Schema => ({
      type: 'object',
      properties: { name: str, children: { type: 'array', items: { $ref: '#' } }, ...extra },
      additionalProperties: false,
    });
    expect(
      checkCompatibility(tree({ note: str }), [{ version: 1, schema: tree({}) }], 'BACKWARD').compatible,
    ).toBe(true);
    const narrowed = {
      ...tree({}),
      properties: {
        name: { type: 'string', maxLength: 3 },
        children: { type: 'array', items: { $ref: '#' } },
      },
    };
    expect(
      checkCompatibility(narrowed, [{ version: 1, schema: tree({}) }], 'BACKWARD').reasons.map(
        (r) => r.pointer,
      ),
    ).toEqual(['/properties/name/maxLength']);
  });

  it('treats references to the same registered version as equal and others as unknown', () => {
    const uses = (uri: string): Schema => object({ addr: { $ref: uri } });
    expect(
      checkCompatibility(
        uses('urn:lienthong:schema:dia-chi:1'),
        [{ version: 1, schema: uses('urn:lienthong:schema:dia-chi:1') }],
        'FULL',
      ).compatible,
    ).toBe(true);
    const other = checkCompatibility(
      uses('urn:lienthong:schema:dia-chi:2'),
      [{ version: 1, schema: uses('urn:lienthong:schema:dia-chi:1') }],
      'BACKWARD',
    );
    expect(other.reasons.map((r) => r.rule)).toEqual(['unsupported-construct']);
  });

  it('compares a draft-07 tuple with its 2020-12 spelling', () => {
    const draft07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [str, { type: 'integer' }],
      additionalItems: false,
    };
    const draft2020 = { type: 'array', prefixItems: [str, { type: 'integer' }], items: false };
    expect(checkCompatibility(draft2020, [{ version: 1, schema: draft07 }], 'FULL').compatible).toBe(true);
  });

  it('accepts an unchanged schema whatever constructs it uses', () => {
    const complex = {
      type: 'object',
      properties: { kind: str, x: str },
      if: object({ kind: { const: 'a' } }),
      then: { required: ['x'] },
      not: { required: ['forbidden'] },
      allOf: [{ $ref: '#/$defs/base' }],
      unevaluatedProperties: false,
      $defs: { base: object({ id: str }) },
    };
    const edited = { ...complex, description: 'changed annotation', title: 'T' };
    expect(checkCompatibility(edited, [{ version: 1, schema: complex }], 'FULL_TRANSITIVE').compatible).toBe(
      true,
    );
  });

  it('isSubschema and findBreaks name reader and writer explicitly', () => {
    expect(isSubschema({ type: 'integer', minimum: 1 }, { type: 'number' })).toBe(true);
    expect(isSubschema({ type: 'number' }, { type: 'integer', minimum: 1 })).toBe(false);
    const breaks = findBreaks({ type: 'integer', minimum: 1 }, { type: 'number' });
    expect(breaks.map((b) => b.rule).sort()).toEqual(['minimum-tightened', 'type-narrowed']);
    expect(breaks[0]!.message).toMatch(/reading schema/);
  });
});

describe('levels', () => {
  const v = (enumValues: string[]): Schema => ({ type: 'string', enum: enumValues });

  it('BACKWARD checks the latest version only; BACKWARD_TRANSITIVE checks them all', () => {
    // v3 reads what v2 wrote (A) but not what v1 wrote (B).
    const history = [
      { version: 1, schema: v(['A', 'B']) },
      { version: 2, schema: v(['A']) },
    ];
    expect(checkCompatibility(v(['A', 'C']), history, 'BACKWARD')).toEqual({ compatible: true, reasons: [] });
    const transitive = checkCompatibility(v(['A', 'C']), history, 'BACKWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.reasons).toEqual([
      expect.objectContaining({
        rule: 'enum-narrowed',
        againstVersion: 1,
        direction: 'backward',
        pointer: '/enum',
      }),
    ]);
  });

  it('FORWARD checks the latest version only; FORWARD_TRANSITIVE checks them all', () => {
    // v2 reads what v3 writes (B); v1 does not.
    const history = [
      { version: 1, schema: v(['A']) },
      { version: 2, schema: v(['A', 'B']) },
    ];
    expect(checkCompatibility(v(['B']), history, 'FORWARD').compatible).toBe(true);
    const transitive = checkCompatibility(v(['B']), history, 'FORWARD_TRANSITIVE');
    expect(transitive.reasons).toEqual([
      expect.objectContaining({ rule: 'enum-narrowed', againstVersion: 1, direction: 'forward' }),
    ]);
  });

  it('FULL needs both directions against the latest; FULL_TRANSITIVE against all', () => {
    const history = [
      { version: 1, schema: v(['A']) },
      { version: 2, schema: v(['A', 'B']) },
    ];
    const same = { ...v(['A', 'B']), description: 'reworded' };
    expect(checkCompatibility(same, history, 'FULL').compatible).toBe(true);
    expect(checkCompatibility(v(['A', 'B', 'C']), history, 'BACKWARD').compatible).toBe(true);
    expect(checkCompatibility(v(['A', 'B', 'C']), history, 'FULL').reasons).toEqual([
      expect.objectContaining({ rule: 'enum-narrowed', againstVersion: 2, direction: 'forward' }),
    ]);
    expect(checkCompatibility(same, history, 'FULL_TRANSITIVE').reasons).toEqual([
      expect.objectContaining({ rule: 'enum-narrowed', againstVersion: 1, direction: 'forward' }),
    ]);
  });

  it('NONE accepts anything', () => {
    expect(checkCompatibility({ type: 'integer' }, [{ version: 1, schema: str }], 'NONE')).toEqual({
      compatible: true,
      reasons: [],
    });
  });

  it('accepts a first version under every level', () => {
    for (const level of COMPATIBILITY_LEVELS)
      expect(checkCompatibility(str, [], level).compatible).toBe(true);
  });

  it('defaults to BACKWARD', () => {
    expect(
      checkCompatibility(object({ a: str, b: str }), [
        { version: 1, schema: object({ a: str }) },
      ]).reasons.map((r) => r.rule),
    ).toEqual(['property-added-to-open-model']);
  });

  it('assertCompatible throws schema-incompatible with the pointers', () => {
    expect(() => assertCompatible(str, [{ version: 1, schema: str }])).not.toThrow();
    let thrown: unknown;
    try {
      assertCompatible({ type: 'integer' }, [{ version: 4, schema: str }], 'BACKWARD');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LienthongError);
    const e = thrown as LienthongError;
    expect(e.code).toBe('schema-incompatible');
    expect(e.options.errors).toEqual([expect.objectContaining({ pointer: '/type' })]);
    expect(e.options.detailVi).toMatch(/phiên bản 4/);
  });
});

describe('the repository catalogue', () => {
  const dir = join(process.cwd(), 'schemas');
  const files = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) =>
          readdirSync(join(dir, d.name))
            .filter((f) => /^v[0-9]+\.schema\.json$/.test(f))
            .map((f) => join(dir, d.name, f)),
        )
    : [];
  const check = (file: string): void => {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;
    expect(checkCompatibility(schema, [{ version: 1, schema }], 'FULL_TRANSITIVE')).toEqual({
      compatible: true,
      reasons: [],
    });
    // A new optional property: fine for readers of a closed model, a break for an open one.
    const properties = { ...(schema['properties'] as Schema), remark: { type: 'string', maxLength: 200 } };
    const evolved = { ...schema, properties };
    const result = checkCompatibility(evolved, [{ version: 1, schema }], 'BACKWARD');
    expect(result.compatible).toBe(schema['additionalProperties'] === false);
  };
  it('finds the three seeded record types of schemas/', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });
  // it.each refuses an empty table; the test above fails in that case.
  if (files.length > 0)
    it.each(files)('%s is compatible with itself and evolves as its content model says', check);
});
