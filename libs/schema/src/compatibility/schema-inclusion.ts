import { compileRe2Pattern } from '../safe-schema/re2-regexp.js';
import { SchemaDocument } from '../safe-schema/schema-document.js';
import {
  draftOfDocument,
  isAnnotationKeyword,
  isSchemaObject,
  isSubschemaKeyword,
} from '../safe-schema/schema-keywords.js';
import type { CompatibilityRule, RawBreak, SchemaBreak, SchemaLabels } from './compatibility-rules.js';
import { DEFAULT_LABELS, labelBreak, show } from './compatibility-rules.js';
import { checkInstance, jsonTypeOf } from './instance-check.js';
import { SchemaEquality, jsonEqual } from './schema-equality.js';
import type { JsonType, Located, NodeRef, ReaderPart, SchemaView } from './schema-view.js';
import {
  admits,
  childPointer,
  isTrivial,
  keywordPointer,
  mergeInto,
  numberAt,
  readerParts,
  subschema,
  subschemaList,
  writerView,
} from './schema-view.js';

/**
 * Everything a writing schema allows that a reading schema refuses, found structurally (no
 * instance is generated). Sound by construction: where the checker cannot decide, it reports
 * `unsupported-construct` rather than passing. An empty list means every instance valid under
 * `writer` is valid under `reader` (with Confluent's one exception: a newly required property
 * that has a `default` is accepted, since readers fill it in).
 */
export function findBreaks(
  reader: unknown,
  writer: unknown,
  labels: SchemaLabels = DEFAULT_LABELS,
): SchemaBreak[] {
  const checker = new InclusionChecker(documentOf(writer), documentOf(reader));
  const raw = checker.compare({ pointer: '', schema: writer }, { pointer: '', schema: reader });
  const seen = new Set<string>();
  const out: SchemaBreak[] = [];
  for (const b of raw) {
    const key = `${b.rule}\u0000${b.readerPointer}\u0000${b.writerPointer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(labelBreak(b, labels));
  }
  return out;
}

/** True when every instance valid under `sub` is valid under `sup`, as far as can be proven. */
export function isSubschema(sub: unknown, sup: unknown): boolean {
  return findBreaks(sup, sub).length === 0;
}

function documentOf(schema: unknown): SchemaDocument {
  return new SchemaDocument(schema, draftOfDocument(schema) ?? '2020-12');
}

/** Reader keywords the structural rules understand; any other is an unsupported construct. */
const HANDLED = new Set([
  'type',
  'nullable',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'required',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
]);

/** Which rule a failed keyword breaks when a concrete writer value is checked. */
const VALUE_RULES: Readonly<Record<string, CompatibilityRule>> = {
  false: 'schema-rejects-all',
  type: 'type-narrowed',
  enum: 'enum-narrowed',
  const: 'const-changed',
  minLength: 'min-length-tightened',
  maxLength: 'max-length-tightened',
  pattern: 'pattern-tightened',
  format: 'format-tightened',
  minimum: 'minimum-tightened',
  maximum: 'maximum-tightened',
  exclusiveMinimum: 'exclusive-minimum-tightened',
  exclusiveMaximum: 'exclusive-maximum-tightened',
  multipleOf: 'multiple-of-tightened',
  minItems: 'min-items-tightened',
  maxItems: 'max-items-tightened',
  uniqueItems: 'unique-items-added',
  minProperties: 'min-properties-tightened',
  maxProperties: 'max-properties-tightened',
  required: 'property-made-required',
  additionalProperties: 'additional-properties-narrowed',
  propertyNames: 'property-names-tightened',
  dependentRequired: 'dependent-required-added',
  anyOf: 'any-of-narrowed',
  oneOf: 'one-of-narrowed',
};

interface Bound {
  value: number;
  exclusive: boolean;
  keyword: string;
}

class InclusionChecker {
  private readonly equality: SchemaEquality;
  private readonly memo = new Map<string, RawBreak[]>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly writerDoc: SchemaDocument,
    private readonly readerDoc: SchemaDocument,
  ) {
    this.equality = new SchemaEquality(writerDoc, readerDoc);
  }

  /** Breaks of `writer` (a node of the writer document) against `reader` (of the reader's). */
  compare(writer: NodeRef, reader: NodeRef): RawBreak[] {
    if (isTrivial(reader.schema) || writer.schema === false) return [];
    if (this.equality.equal(writer, reader)) return [];
    const key = `${writer.pointer}\u0000${reader.pointer}`;
    const known = this.memo.get(key);
    if (known) return known;
    // Recursive schemas: assume the pair fits while checking it (greatest fixed point).
    if (this.inProgress.has(key)) return [];
    this.inProgress.add(key);
    const view = writerView(this.writerDoc, writer);
    const result = view.isFalse ? [] : this.compareView(view, reader);
    this.inProgress.delete(key);
    this.memo.set(key, result);
    return result;
  }

  private compareView(w: SchemaView, reader: NodeRef): RawBreak[] {
    if (reader.schema === false) {
      return [
        brk(
          'schema-rejects-all',
          reader.pointer,
          w.pointer,
          '{R} rejects every value here, but {W} allows some',
          '{R} từ chối mọi giá trị ở đây, nhưng {W} cho phép một số giá trị',
        ),
      ];
    }
    const values = enumeratedValues(w);
    if (values) return values.flatMap((value) => this.valueBreaks(value, w, reader));
    const split = w.keywords.has('oneOf') ? 'oneOf' : w.keywords.has('anyOf') ? 'anyOf' : undefined;
    if (split) {
      // A writer disjunction fits when each branch does; the branch carries its siblings.
      const branches = subschemaList(w, split);
      return branches.flatMap((branch, index) => {
        const view = cloneView(w);
        view.keywords.delete('oneOf');
        view.keywords.delete('anyOf');
        mergeInto(view, writerView(this.writerDoc, branch));
        if (split === 'oneOf') view.fromOneOf = { branches, index };
        return view.isFalse ? [] : this.compareView(view, reader);
      });
    }
    // A reader conjunct the writer also has (unchanged `allOf` branches, shared definitions)
    // holds for every writer instance.
    const shared = (conjunct: NodeRef): boolean => w.conjuncts.some((c) => this.equality.equal(c, conjunct));
    if (shared(reader)) return [];
    return readerParts(this.readerDoc, reader, shared).flatMap((part) => this.comparePart(w, part));
  }

  private comparePart(w: SchemaView, part: ReaderPart): RawBreak[] {
    switch (part.kind) {
      case 'external':
        return w.externalRefs.has(part.uri)
          ? []
          : [
              unsupported(
                part.at,
                w.pointer,
                `the reference ${part.uri}, which {W} does not share`,
                `tham chiếu ${part.uri} mà {W} không có`,
              ),
            ];
      case 'opaque':
        return [unsupported(part.at, w.pointer, part.what, part.whatVi)];
      case 'view': {
        const r = part.view;
        if (r.isFalse) {
          return [
            brk(
              'schema-rejects-all',
              r.pointer,
              w.pointer,
              '{R} rejects every value here, but {W} allows some',
              '{R} từ chối mọi giá trị ở đây, nhưng {W} cho phép một số giá trị',
            ),
          ];
        }
        const out = this.plain(w, r);
        if (r.keywords.has('anyOf')) out.push(...this.disjunction(w, r, 'anyOf'));
        if (r.keywords.has('oneOf')) out.push(...this.disjunction(w, r, 'oneOf'));
        return out;
      }
    }
  }

  /** Checks one concrete writer value (from `enum`/`const`) against the whole reader schema. */
  private valueBreaks(value: unknown, w: SchemaView, reader: NodeRef): RawBreak[] {
    const verdict = checkInstance(this.readerDoc, value, reader);
    const writerPointer = keywordPointer(
      w,
      w.keywords.has('const') ? 'const' : w.keywords.has('enum') ? 'enum' : 'type',
    );
    if (verdict.result === 'valid') return [];
    if (verdict.result === 'unknown') {
      return [
        unsupported(
          verdict.at,
          writerPointer,
          `"${verdict.keyword}", which cannot be checked against the value ${show(value)} of {W}`,
          `"${verdict.keyword}", không kiểm tra được với giá trị ${show(value)} của {W}`,
        ),
      ];
    }
    return [
      brk(
        VALUE_RULES[verdict.keyword] ?? 'enum-narrowed',
        verdict.at,
        writerPointer,
        `the value ${show(value)}, which {W} allows, fails "${verdict.keyword}" in {R}`,
        `giá trị ${show(value)}, được {W} cho phép, không thỏa "${verdict.keyword}" trong {R}`,
      ),
    ];
  }

  /**
   * `anyOf`/`oneOf` in the reader: some branch must take the whole writer (branch). A writer
   * with several types may also be taken type by type (`["string", "null"]` by
   * `anyOf: [{"type": "string"}, {"type": "null"}]`).
   */
  private disjunction(w: SchemaView, r: SchemaView, kind: 'anyOf' | 'oneOf'): RawBreak[] {
    const branches = subschemaList(r, kind);
    const at = keywordPointer(r, kind);
    const attempt = (piece: SchemaView): { piece: SchemaView; fit: number; first?: RawBreak } => {
      const results = branches.map((branch) => this.compareView(piece, branch));
      return {
        piece,
        fit: results.findIndex((breaks) => breaks.length === 0),
        first: results.length === 1 ? results[0]![0] : undefined,
      };
    };
    let outcomes = [attempt(w)];
    if (outcomes[0]!.fit < 0) {
      const types: JsonType[] = w.types
        ? [...w.types]
        : ['null', 'boolean', 'object', 'array', 'string', 'number'];
      if (types.length > 1) {
        const pieces = types.map((t) => attempt({ ...cloneView(w), types: new Set([t]) }));
        if (pieces.every((o) => o.fit >= 0)) outcomes = pieces;
      }
    }
    const failed = outcomes.find((o) => o.fit < 0);
    if (failed) {
      const nested = failed.first ? ` (${failed.first.en})` : '';
      const nestedVi = failed.first ? ` (${failed.first.vi})` : '';
      return [
        brk(
          kind === 'anyOf' ? 'any-of-narrowed' : 'one-of-narrowed',
          at,
          w.pointer,
          `no ${kind} branch of {R} accepts everything {W} allows here${nested}`,
          `không nhánh ${kind} nào của {R} chấp nhận mọi giá trị mà {W} cho phép ở đây${nestedVi}`,
        ),
      ];
    }
    if (kind === 'anyOf') return [];
    // oneOf also needs exclusivity: a writer value must not match a second reader branch.
    const out: RawBreak[] = [];
    for (const { piece, fit } of outcomes) {
      branches.forEach((branch, k) => {
        if (k === fit || this.disjoint(piece, branch)) return;
        const from = piece.fromOneOf;
        if (from?.branches.some((other, l) => l !== from.index && this.equality.equal(other, branch))) return;
        out.push(
          brk(
            'one-of-not-exclusive',
            branch.pointer,
            piece.pointer,
            'a value {W} allows may also match this oneOf branch of {R}, and oneOf needs exactly one match',
            'một giá trị {W} cho phép có thể khớp thêm nhánh oneOf này của {R}, trong khi oneOf yêu cầu khớp đúng một nhánh',
          ),
        );
      });
    }
    return out;
  }

  /** True when no instance can satisfy both; false when that cannot be shown cheaply. */
  private disjoint(w: SchemaView, otherRef: NodeRef): boolean {
    const values = enumeratedValues(w);
    if (values) return values.every((v) => checkInstance(this.readerDoc, v, otherRef).result === 'invalid');
    const other = writerView(this.readerDoc, otherRef);
    if (other.isFalse) return true;
    if (
      w.types &&
      other.types &&
      ![...w.types].some((t) => admits(other.types, t) || (t === 'number' && other.types!.has('integer')))
    ) {
      return true;
    }
    const objectOnly = (types: Set<JsonType> | undefined): boolean =>
      types !== undefined && [...types].every((t) => t === 'object');
    if (!objectOnly(w.types) && !objectOnly(other.types)) return false;
    // A discriminator: a property one side requires, with value sets that do not meet.
    for (const name of new Set([...w.required.keys(), ...other.required.keys()])) {
      const a = w.properties.get(name);
      const b = other.properties.get(name);
      if (!a || !b) continue;
      const va = enumeratedValues(writerView(this.writerDoc, a));
      const vb = enumeratedValues(writerView(this.readerDoc, b));
      if (va && vb && !va.some((x) => vb.some((y) => jsonEqual(x, y)))) return true;
    }
    return false;
  }

  /** Keyword rules between one flattened writer view and one plain reader object. */
  private plain(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    const rTypes = r.types;
    const wTypes = w.types;
    if (rTypes) {
      const typeAt = keywordPointer(r, 'type');
      const names = (types: Iterable<string>): string => [...types].join(', ');
      if (!wTypes) {
        out.push(
          brk(
            'type-narrowed',
            typeAt,
            keywordPointer(w, 'type'),
            `{R} accepts only ${names(rTypes)}, but {W} allows any type`,
            `{R} chỉ chấp nhận ${names(rTypes)}, nhưng {W} cho phép mọi kiểu`,
          ),
        );
      } else {
        const missing = [...wTypes].filter((t) => !admits(rTypes, t));
        if (missing.length > 0) {
          const overlap = [...wTypes].some(
            (t) => admits(rTypes, t) || (t === 'number' && rTypes.has('integer')),
          );
          out.push(
            brk(
              overlap ? 'type-narrowed' : 'type-changed',
              typeAt,
              keywordPointer(w, 'type'),
              `{R} accepts ${names(rTypes)}, but {W} also allows ${names(missing)}`,
              `{R} chấp nhận ${names(rTypes)}, nhưng {W} còn cho phép ${names(missing)}`,
            ),
          );
        }
      }
    }
    for (const keyword of ['const', 'enum'] as const) {
      if (!r.keywords.has(keyword)) continue;
      out.push(
        brk(
          keyword === 'const' ? 'const-added' : 'enum-added',
          keywordPointer(r, keyword),
          w.pointer,
          `{R} allows only ${keyword === 'const' ? `the value ${show(r.keywords.get(keyword)!.value)}` : 'the listed values'}, but {W} does not restrict the values`,
          `{R} chỉ cho phép ${keyword === 'const' ? `giá trị ${show(r.keywords.get(keyword)!.value)}` : 'các giá trị liệt kê'}, nhưng {W} không giới hạn giá trị`,
        ),
      );
    }
    const both = (t: JsonType): boolean => admits(wTypes, t) && admits(rTypes, t);
    if (both('string')) out.push(...this.strings(w, r));
    if (both('number') || both('integer')) out.push(...this.numbers(w, r));
    if (both('array')) out.push(...this.arrays(w, r));
    if (both('object')) out.push(...this.objects(w, r));
    out.push(...this.applicators(w, r));
    for (const [keyword, located] of r.keywords) {
      if (HANDLED.has(keyword) || isAnnotationKeyword(keyword)) continue;
      const mine = w.keywords.get(keyword);
      const same =
        mine !== undefined &&
        (isSubschemaKeyword(keyword)
          ? this.equality.equal(
              { pointer: mine.at, schema: mine.value },
              { pointer: located.at, schema: located.value },
            )
          : jsonEqual(mine.value, located.value));
      if (!same)
        out.push(
          unsupported(
            located.at,
            keywordPointer(w, keyword),
            `the keyword "${keyword}"`,
            `từ khoá "${keyword}"`,
          ),
        );
    }
    return out;
  }

  private strings(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    const rMin = numberAt(r, 'minLength');
    const wMin = numberAt(w, 'minLength') ?? 0;
    if (rMin !== undefined && rMin > wMin) {
      out.push(
        brk(
          'min-length-tightened',
          keywordPointer(r, 'minLength'),
          keywordPointer(w, 'minLength'),
          `{R} requires at least ${rMin} characters, {W} only ${wMin}`,
          `{R} yêu cầu ít nhất ${rMin} ký tự, {W} chỉ yêu cầu ${wMin}`,
        ),
      );
    }
    const rMax = numberAt(r, 'maxLength');
    const wMax = numberAt(w, 'maxLength');
    if (rMax !== undefined && (wMax === undefined || wMax > rMax)) {
      out.push(
        brk(
          'max-length-tightened',
          keywordPointer(r, 'maxLength'),
          keywordPointer(w, 'maxLength'),
          `{R} allows at most ${rMax} characters, {W} ${wMax ?? 'any number'}`,
          `{R} cho phép tối đa ${rMax} ký tự, {W} cho phép ${wMax ?? 'không giới hạn'}`,
        ),
      );
    }
    for (const keyword of ['pattern', 'format'] as const) {
      const required = r.keywords.get(keyword)?.value;
      if (typeof required !== 'string') continue;
      const mine = w.keywords.get(keyword)?.value;
      if (mine === required) continue;
      const what = keyword === 'pattern' ? 'pattern' : 'format';
      const whatVi = keyword === 'pattern' ? 'mẫu' : 'định dạng';
      out.push(
        brk(
          keyword === 'pattern' ? 'pattern-tightened' : 'format-tightened',
          keywordPointer(r, keyword),
          keywordPointer(w, keyword),
          `{R} requires the ${what} ${show(required)}, ${mine === undefined ? 'which {W} does not' : `where {W} has ${show(mine)}`}`,
          `{R} yêu cầu ${whatVi} ${show(required)}, ${mine === undefined ? 'điều {W} không yêu cầu' : `trong khi {W} dùng ${show(mine)}`}`,
        ),
      );
    }
    return out;
  }

  private numbers(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    const integersOnly =
      (w.types !== undefined && !w.types.has('number')) || (r.types !== undefined && !r.types.has('number'));
    for (const side of ['lower', 'upper'] as const) {
      const rb = bound(r, side, integersOnly);
      if (!rb) continue;
      const wb = bound(w, side, integersOnly);
      const within =
        wb !== undefined &&
        (side === 'lower'
          ? wb.value > rb.value || (wb.value === rb.value && (!rb.exclusive || wb.exclusive))
          : wb.value < rb.value || (wb.value === rb.value && (!rb.exclusive || wb.exclusive)));
      if (within) continue;
      const rule: CompatibilityRule =
        side === 'lower'
          ? rb.keyword === 'minimum'
            ? 'minimum-tightened'
            : 'exclusive-minimum-tightened'
          : rb.keyword === 'maximum'
            ? 'maximum-tightened'
            : 'exclusive-maximum-tightened';
      const describe = (b: Bound | undefined, none: string): string =>
        b ? `${side === 'lower' ? (b.exclusive ? '>' : '≥') : b.exclusive ? '<' : '≤'} ${b.value}` : none;
      out.push(
        brk(
          rule,
          keywordPointer(r, rb.keyword),
          keywordPointer(w, wb?.keyword ?? rb.keyword),
          `{R} requires values ${describe(rb, '')}, {W} allows ${wb ? `values ${describe(wb, '')}` : `any ${side === 'lower' ? 'lower' : 'higher'} value`}`,
          `{R} yêu cầu giá trị ${describe(rb, '')}, {W} cho phép ${wb ? `giá trị ${describe(wb, '')}` : `giá trị ${side === 'lower' ? 'nhỏ' : 'lớn'} hơn bất kỳ`}`,
        ),
      );
    }
    const rStep = numberAt(r, 'multipleOf');
    if (rStep !== undefined) {
      const wStep = numberAt(w, 'multipleOf');
      const fits =
        (wStep !== undefined && isMultiple(wStep, rStep)) || (integersOnly && isMultiple(1, rStep));
      if (!fits) {
        out.push(
          brk(
            'multiple-of-tightened',
            keywordPointer(r, 'multipleOf'),
            keywordPointer(w, 'multipleOf'),
            `{R} requires multiples of ${rStep}, which {W} does not guarantee`,
            `{R} yêu cầu bội số của ${rStep}, điều {W} không bảo đảm`,
          ),
        );
      }
    }
    return out;
  }

  private arrays(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    const rMin = numberAt(r, 'minItems');
    const wMin = numberAt(w, 'minItems') ?? 0;
    if (rMin !== undefined && rMin > wMin) {
      out.push(
        brk(
          'min-items-tightened',
          keywordPointer(r, 'minItems'),
          keywordPointer(w, 'minItems'),
          `{R} requires at least ${rMin} items, {W} only ${wMin}`,
          `{R} yêu cầu ít nhất ${rMin} phần tử, {W} chỉ yêu cầu ${wMin}`,
        ),
      );
    }
    const rMax = numberAt(r, 'maxItems');
    const wMax = numberAt(w, 'maxItems');
    if (rMax !== undefined && (wMax === undefined || wMax > rMax)) {
      out.push(
        brk(
          'max-items-tightened',
          keywordPointer(r, 'maxItems'),
          keywordPointer(w, 'maxItems'),
          `{R} allows at most ${rMax} items, {W} ${wMax ?? 'any number'}`,
          `{R} cho phép tối đa ${rMax} phần tử, {W} cho phép ${wMax ?? 'không giới hạn'}`,
        ),
      );
    }
    if (
      r.keywords.get('uniqueItems')?.value === true &&
      w.keywords.get('uniqueItems')?.value !== true &&
      (wMax === undefined || wMax > 1)
    ) {
      out.push(
        brk(
          'unique-items-added',
          keywordPointer(r, 'uniqueItems'),
          keywordPointer(w, 'uniqueItems'),
          '{R} requires unique items, {W} does not',
          '{R} yêu cầu các phần tử không trùng nhau, {W} thì không',
        ),
      );
    }
    out.push(...this.items(w, r, wMax ?? Number.POSITIVE_INFINITY));
    out.push(...this.contains(w, r));
    return out;
  }

  private items(w: SchemaView, r: SchemaView, writerMaxItems: number): RawBreak[] {
    const out: RawBreak[] = [];
    const wt = tupleOf(w);
    const rt = tupleOf(r);
    if (wt.restIsDefault && w.keywords.has('unevaluatedItems') && !w.inPlaceApplicators)
      wt.rest = subschema(w, 'unevaluatedItems');
    if (rt.restIsDefault && r.keywords.has('unevaluatedItems')) {
      if (r.inPlaceApplicators) {
        out.push(
          unsupported(
            keywordPointer(r, 'unevaluatedItems'),
            keywordPointer(w, 'unevaluatedItems'),
            '"unevaluatedItems" next to in-place applicators',
            '"unevaluatedItems" cùng các từ khoá áp dụng tại chỗ',
          ),
        );
      } else {
        rt.rest = subschema(r, 'unevaluatedItems');
      }
    }
    const positions = Math.min(Math.max(wt.prefix.length, rt.prefix.length), writerMaxItems);
    for (let i = 0; i < positions; i++) {
      const wi = wt.prefix[i] ?? wt.rest;
      if (wi.schema === false) break;
      const ri = rt.prefix[i] ?? rt.rest;
      out.push(
        ...this.compareItem(wi, ri, i >= rt.prefix.length && (rt.prefix.length > 0 || ri.schema === false)),
      );
    }
    if (wt.rest.schema !== false && writerMaxItems > positions) {
      out.push(...this.compareItem(wt.rest, rt.rest, rt.prefix.length > 0 || rt.rest.schema === false));
    }
    return out;
  }

  private compareItem(wi: NodeRef, ri: NodeRef, readerRest: boolean): RawBreak[] {
    const breaks = this.compare(wi, ri);
    if (!readerRest || breaks.length === 0) return breaks;
    return [
      brk(
        'additional-items-narrowed',
        ri.pointer,
        wi.pointer,
        `{R} restricts further array items more than {W} (${breaks[0]!.en})`,
        `{R} giới hạn các phần tử mảng tiếp theo chặt hơn {W} (${breaks[0]!.vi})`,
      ),
    ];
  }

  private contains(w: SchemaView, r: SchemaView): RawBreak[] {
    const rc = r.keywords.get('contains');
    if (!rc) return [];
    const rMin = numberAt(r, 'minContains') ?? 1;
    const rMax = numberAt(r, 'maxContains');
    if (rMin === 0 && rMax === undefined) return [];
    const wc = w.keywords.get('contains');
    let fits = false;
    if (wc) {
      const wRef = { pointer: wc.at, schema: wc.value };
      const rRef = { pointer: rc.at, schema: rc.value };
      fits = this.compare(wRef, rRef).length === 0 && (numberAt(w, 'minContains') ?? 1) >= rMin;
      if (rMax !== undefined) {
        const wMax = numberAt(w, 'maxContains');
        fits &&= this.equality.equal(wRef, rRef) && wMax !== undefined && wMax <= rMax;
      }
    }
    return fits
      ? []
      : [
          brk(
            'contains-tightened',
            rc.at,
            keywordPointer(w, 'contains'),
            '{R} requires the array to contain matching items in numbers {W} does not guarantee',
            '{R} yêu cầu mảng chứa số phần tử phù hợp mà {W} không bảo đảm',
          ),
        ];
  }

  private objects(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    // Without in-place applicators `unevaluatedProperties` is `additionalProperties`.
    const wAP = subschema(
      w,
      !w.keywords.has('additionalProperties') && !w.inPlaceApplicators
        ? 'unevaluatedProperties'
        : 'additionalProperties',
    );
    let rAP = subschema(r, 'additionalProperties');
    if (!r.keywords.has('additionalProperties') && r.keywords.has('unevaluatedProperties')) {
      if (r.inPlaceApplicators) {
        out.push(
          unsupported(
            keywordPointer(r, 'unevaluatedProperties'),
            keywordPointer(w, 'unevaluatedProperties'),
            '"unevaluatedProperties" next to in-place applicators',
            '"unevaluatedProperties" cùng các từ khoá áp dụng tại chỗ',
          ),
        );
      } else {
        rAP = subschema(r, 'unevaluatedProperties');
      }
    }
    const writerFor = (name: string): NodeRef => {
      const own = w.properties.get(name);
      if (own) return own;
      for (const [pattern, ref] of w.patternProperties) {
        const m = matches(pattern, name);
        if (m === undefined) return { pointer: ref.pointer, schema: true };
        if (m) return ref;
      }
      return wAP;
    };
    const readerPatternsFor = (name: string): NodeRef[] =>
      [...r.patternProperties].filter(([p]) => matches(p, name) !== false).map(([, ref]) => ref);

    const names = [...new Set([...r.properties.keys(), ...w.properties.keys()])];
    for (const name of names) {
      const wp = w.properties.get(name);
      const rp = r.properties.get(name);
      const rPatterns = readerPatternsFor(name);
      if (wp && rp) {
        out.push(...this.compare(wp, rp));
        for (const p of rPatterns) out.push(...this.compare(wp, p));
      } else if (rp) {
        const ws = writerFor(name);
        if (ws.schema === false) continue;
        const targets = [rp, ...rPatterns];
        const writerPointer = childPointer(w.pointer, 'properties', name);
        if (isTrivial(ws.schema)) {
          if (targets.some((t) => !isTrivial(t.schema))) {
            out.push(
              brk(
                'property-added-to-open-model',
                rp.pointer,
                writerPointer,
                `{R} constrains property "${name}", which {W} does not declare but allows with any value (open content model)`,
                `{R} ràng buộc thuộc tính "${name}"; {W} không khai báo nhưng cho phép nó với mọi giá trị (mô hình nội dung mở)`,
              ),
            );
          }
        } else {
          const nested = targets.flatMap((t) => this.compare(ws, t));
          if (nested.length > 0) {
            out.push(
              brk(
                'property-added-not-covered-by-partially-open-model',
                rp.pointer,
                ws.pointer,
                `{R} constrains property "${name}" more than the additional or pattern properties of {W} allow for it (${nested[0]!.en})`,
                `{R} ràng buộc thuộc tính "${name}" chặt hơn mức thuộc tính bổ sung hoặc theo mẫu của {W} cho phép (${nested[0]!.vi})`,
              ),
            );
          }
        }
      } else if (wp && wp.schema !== false) {
        const readerPointer = childPointer(r.pointer, 'properties', name);
        for (const target of rPatterns.length > 0 ? rPatterns : [rAP]) {
          if (target.schema === false) {
            out.push(
              brk(
                'property-removed-from-closed-model',
                readerPointer,
                wp.pointer,
                `{R} does not allow property "${name}" (closed content model), but {W} does`,
                `{R} không cho phép thuộc tính "${name}" (mô hình nội dung đóng), nhưng {W} cho phép`,
              ),
            );
          } else if (!isTrivial(target.schema)) {
            const nested = this.compare(wp, target);
            if (nested.length > 0) {
              out.push(
                brk(
                  'property-removed-not-covered-by-partially-open-model',
                  readerPointer,
                  wp.pointer,
                  `{R} does not declare property "${name}", and its additional or pattern properties refuse what {W} allows for it (${nested[0]!.en})`,
                  `{R} không khai báo thuộc tính "${name}", và thuộc tính bổ sung hoặc theo mẫu của nó từ chối giá trị {W} cho phép (${nested[0]!.vi})`,
                ),
              );
            }
          }
        }
      }
    }

    for (const [pattern, rRef] of r.patternProperties) {
      const same = w.patternProperties.get(pattern);
      if (same) {
        out.push(...this.compare(same, rRef));
        continue;
      }
      // Names matching the new pattern may come from additional properties or any writer pattern.
      const sources = [...(wAP.schema === false ? [] : [wAP]), ...w.patternProperties.values()];
      const nested = sources.flatMap((source) => this.compare(source, rRef));
      if (nested.length > 0) {
        out.push(
          brk(
            'pattern-properties-narrowed',
            rRef.pointer,
            keywordPointer(w, 'patternProperties'),
            `{R} constrains properties matching ${show(pattern)} more than {W} (${nested[0]!.en})`,
            `{R} ràng buộc các thuộc tính khớp ${show(pattern)} chặt hơn {W} (${nested[0]!.vi})`,
          ),
        );
      }
    }

    if (!isTrivial(rAP.schema)) {
      const sources = [
        ...(wAP.schema === false ? [] : [wAP]),
        ...[...w.patternProperties].filter(([p]) => !r.patternProperties.has(p)).map(([, ref]) => ref),
      ];
      for (const source of sources) {
        const nested = rAP.schema === false ? [] : this.compare(source, rAP);
        if (rAP.schema === false || nested.length > 0) {
          out.push(
            brk(
              'additional-properties-narrowed',
              rAP.pointer,
              source.pointer,
              rAP.schema === false
                ? '{R} allows no additional properties, but {W} does'
                : `{R} restricts additional properties more than {W} (${nested[0]!.en})`,
              rAP.schema === false
                ? '{R} không cho phép thuộc tính bổ sung, nhưng {W} cho phép'
                : `{R} giới hạn thuộc tính bổ sung chặt hơn {W} (${nested[0]!.vi})`,
            ),
          );
        }
      }
    }

    for (const [name, at] of r.required) {
      if (w.required.has(name)) continue;
      if (hasDefault(this.readerDoc, r.properties.get(name))) continue;
      const declared = w.properties.has(name);
      out.push(
        brk(
          declared ? 'property-made-required' : 'required-property-added',
          at,
          declared ? w.properties.get(name)!.pointer : keywordPointer(w, 'required'),
          declared
            ? `{R} requires property "${name}" without a default, but it is optional in {W}`
            : `{R} requires property "${name}" without a default, which {W} does not declare`,
          declared
            ? `{R} bắt buộc thuộc tính "${name}" mà không có giá trị mặc định, nhưng trong {W} nó là tuỳ chọn`
            : `{R} bắt buộc thuộc tính "${name}" mà không có giá trị mặc định, trong khi {W} không khai báo nó`,
        ),
      );
    }

    const wDeps = dependentRequired(w);
    for (const [name, { names: needed, at }] of dependentRequired(r)) {
      if (writerFor(name).schema === false) continue;
      const missing = needed.filter((n) => !w.required.has(n) && !wDeps.get(name)?.names.includes(n));
      if (missing.length > 0) {
        out.push(
          brk(
            'dependent-required-added',
            at,
            keywordPointer(w, 'dependentRequired'),
            `{R} requires ${missing.map((m) => `"${m}"`).join(', ')} whenever "${name}" is present, which {W} does not`,
            `{R} bắt buộc ${missing.map((m) => `"${m}"`).join(', ')} khi có "${name}", điều {W} không yêu cầu`,
          ),
        );
      }
    }
    const wDepSchemas = dependentSchemas(w);
    for (const [name, rRef] of dependentSchemas(r)) {
      if (writerFor(name).schema === false) continue;
      const mine = wDepSchemas.get(name);
      const nested = mine ? this.compare(mine, rRef) : this.compareView(w, rRef);
      if (nested.length > 0) {
        out.push(
          brk(
            'dependent-schema-tightened',
            rRef.pointer,
            mine?.pointer ?? keywordPointer(w, 'dependentSchemas'),
            `{R} applies a stricter schema than {W} when "${name}" is present (${nested[0]!.en})`,
            `{R} áp dụng lược đồ chặt hơn {W} khi có "${name}" (${nested[0]!.vi})`,
          ),
        );
      }
    }

    for (const [keyword, rule, word, wordVi] of [
      ['minProperties', 'min-properties-tightened', 'at least', 'ít nhất'],
      ['maxProperties', 'max-properties-tightened', 'at most', 'tối đa'],
    ] as const) {
      const rv = numberAt(r, keyword);
      if (rv === undefined) continue;
      const wv = numberAt(w, keyword);
      const tightened = keyword === 'minProperties' ? rv > (wv ?? 0) : wv === undefined || wv > rv;
      if (tightened) {
        out.push(
          brk(
            rule,
            keywordPointer(r, keyword),
            keywordPointer(w, keyword),
            `{R} requires ${word} ${rv} properties, {W} ${wv ?? 'does not'}`,
            `{R} yêu cầu ${wordVi} ${rv} thuộc tính, {W} ${wv ?? 'không yêu cầu'}`,
          ),
        );
      }
    }

    const rNames = r.keywords.get('propertyNames');
    if (rNames && !isTrivial(rNames.value)) {
      const rRef = { pointer: rNames.at, schema: rNames.value };
      const wNames = w.keywords.get('propertyNames');
      const closed = wAP.schema === false && w.patternProperties.size === 0;
      const fits = wNames
        ? this.compare({ pointer: wNames.at, schema: wNames.value }, rRef).length === 0
        : closed &&
          [...w.properties].every(
            ([n, ref]) => ref.schema === false || checkInstance(this.readerDoc, n, rRef).result === 'valid',
          );
      if (!fits) {
        out.push(
          brk(
            'property-names-tightened',
            rNames.at,
            keywordPointer(w, 'propertyNames'),
            '{R} restricts property names more than {W}',
            '{R} giới hạn tên thuộc tính chặt hơn {W}',
          ),
        );
      }
    }
    return out;
  }

  /** `not` and `if`/`then`/`else` in the reader: decided where cheap, unsupported otherwise. */
  private applicators(w: SchemaView, r: SchemaView): RawBreak[] {
    const out: RawBreak[] = [];
    const not = r.keywords.get('not');
    if (not) {
      const rRef = { pointer: not.at, schema: not.value };
      const mine = w.keywords.get('not');
      const same = mine !== undefined && this.equality.equal({ pointer: mine.at, schema: mine.value }, rRef);
      if (!same && !this.disjoint(w, rRef)) {
        out.push(
          unsupported(
            not.at,
            keywordPointer(w, 'not'),
            '"not", whose exclusion {W} cannot be shown to respect',
            '"not", không chứng minh được {W} tuân theo phần loại trừ',
          ),
        );
      }
    }
    const condition = r.keywords.get('if');
    const then = r.keywords.get('then');
    const otherwise = r.keywords.get('else');
    if (condition && (then || otherwise)) {
      const group = ['if', 'then', 'else'].map((k) => [w.keywords.get(k), r.keywords.get(k)] as const);
      const same = group.every(([a, b]) =>
        a === undefined || b === undefined
          ? a === b
          : this.equality.equal({ pointer: a.at, schema: a.value }, { pointer: b.at, schema: b.value }),
      );
      const breaksOf = (branch: Located | undefined): RawBreak[] =>
        branch ? this.compareView(w, { pointer: branch.at, schema: branch.value }) : [];
      const thenBreaks = breaksOf(then);
      const elseBreaks = breaksOf(otherwise);
      // Fine when the writer meets both branches, or the one its data always selects.
      if (!same && (thenBreaks.length > 0 || elseBreaks.length > 0)) {
        const ifRef = { pointer: condition.at, schema: condition.value };
        if (this.compareView(w, ifRef).length === 0) out.push(...thenBreaks);
        else if (this.disjoint(w, ifRef)) out.push(...elseBreaks);
        else {
          out.push(
            unsupported(
              condition.at,
              keywordPointer(w, 'if'),
              '"if"/"then"/"else", whose condition {W} neither always nor never meets',
              '"if"/"then"/"else", với điều kiện mà {W} không luôn thỏa cũng không luôn vi phạm',
            ),
          );
        }
      }
    }
    return out;
  }
}

function brk(
  rule: CompatibilityRule,
  readerPointer: string,
  writerPointer: string,
  en: string,
  vi: string,
): RawBreak {
  return { rule, readerPointer, writerPointer, en, vi };
}

function unsupported(readerPointer: string, writerPointer: string, what: string, whatVi: string): RawBreak {
  return brk(
    'unsupported-construct',
    readerPointer,
    writerPointer,
    `{R} uses ${what}; the checker cannot prove {W} compatible with it, so it counts as incompatible`,
    `{R} dùng ${whatVi}; bộ kiểm tra không chứng minh được {W} tương thích nên coi là không tương thích`,
  );
}

function cloneView(view: SchemaView): SchemaView {
  return {
    ...view,
    keywords: new Map(view.keywords),
    types: view.types ? new Set(view.types) : undefined,
    required: new Map(view.required),
    properties: new Map(view.properties),
    patternProperties: new Map(view.patternProperties),
    valueSets: [...view.valueSets],
    externalRefs: new Set(view.externalRefs),
    conjuncts: [...view.conjuncts],
  };
}

/** The finite set of values a writer allows (`enum`, `const`, or only booleans and null). */
function enumeratedValues(w: SchemaView): unknown[] | undefined {
  if (w.valueSets.length > 0) {
    const [first, ...rest] = w.valueSets;
    return first!.filter(
      (v) => rest.every((set) => set.some((x) => jsonEqual(x, v))) && admits(w.types, jsonTypeOf(v)),
    );
  }
  if (w.types && [...w.types].every((t) => t === 'null' || t === 'boolean')) {
    return [...(w.types.has('null') ? [null] : []), ...(w.types.has('boolean') ? [true, false] : [])];
  }
  return undefined;
}

function bound(view: SchemaView, side: 'lower' | 'upper', integers: boolean): Bound | undefined {
  const [inclusive, exclusive] =
    side === 'lower'
      ? (['minimum', 'exclusiveMinimum'] as const)
      : (['maximum', 'exclusiveMaximum'] as const);
  const candidates: Bound[] = [];
  const inc = numberAt(view, inclusive);
  const exc = numberAt(view, exclusive);
  if (inc !== undefined) candidates.push({ value: inc, exclusive: false, keyword: inclusive });
  if (exc !== undefined) candidates.push({ value: exc, exclusive: true, keyword: exclusive });
  if (candidates.length === 0) return undefined;
  const normalized = candidates.map((b) => {
    if (!integers) return b;
    // Over integers `> 4` is `≥ 5` and `≤ 4.5` is `≤ 4`.
    if (side === 'lower')
      return { ...b, value: b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value), exclusive: false };
    return { ...b, value: b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false };
  });
  return normalized.reduce((a, b) => {
    const tighter = side === 'lower' ? b.value > a.value : b.value < a.value;
    return tighter || (b.value === a.value && b.exclusive && !a.exclusive) ? b : a;
  });
}

function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.round(q) >= 1 && Math.abs(q - Math.round(q)) < 1e-9 * Math.max(1, Math.abs(q));
}

/** Array items by position: the tuple prefix and the schema for every later item. */
function tupleOf(view: SchemaView): { prefix: NodeRef[]; rest: NodeRef; restIsDefault: boolean } {
  const prefixItems = subschemaList(view, 'prefixItems');
  const items = view.keywords.get('items');
  if (prefixItems.length > 0 || view.keywords.has('prefixItems')) {
    return { prefix: prefixItems, rest: subschema(view, 'items'), restIsDefault: !items };
  }
  if (items && Array.isArray(items.value)) {
    return {
      prefix: subschemaList(view, 'items'),
      rest: subschema(view, 'additionalItems'),
      restIsDefault: !view.keywords.has('additionalItems'),
    };
  }
  return { prefix: [], rest: subschema(view, 'items'), restIsDefault: !items };
}

/** Whether a property name matches a pattern; undefined when the pattern cannot run. */
function matches(pattern: string, name: string): boolean | undefined {
  try {
    return compileRe2Pattern(pattern).test(name);
  } catch {
    return undefined;
  }
}

function hasDefault(doc: SchemaDocument, ref: NodeRef | undefined, depth = 0): boolean {
  if (!ref || !isSchemaObject(ref.schema) || depth > 16) return false;
  if (Object.prototype.hasOwnProperty.call(ref.schema, 'default')) return true;
  const reference = ref.schema['$ref'];
  if (typeof reference === 'string') {
    const target = doc.resolve(reference, ref.pointer);
    if (
      target.kind === 'local' &&
      hasDefault(doc, { pointer: target.pointer, schema: doc.at(target.pointer) }, depth + 1)
    )
      return true;
  }
  const allOf = ref.schema['allOf'];
  return (
    Array.isArray(allOf) &&
    allOf.some((schema: unknown, i) =>
      hasDefault(doc, { pointer: childPointer(ref.pointer, 'allOf', i), schema }, depth + 1),
    )
  );
}

/** `dependentRequired` and draft-07 `dependencies` with name lists. */
function dependentRequired(view: SchemaView): Map<string, { names: string[]; at: string }> {
  const out = new Map<string, { names: string[]; at: string }>();
  for (const keyword of ['dependentRequired', 'dependencies']) {
    const located = view.keywords.get(keyword);
    if (!located || !isSchemaObject(located.value)) continue;
    for (const [name, value] of Object.entries(located.value)) {
      if (Array.isArray(value))
        out.set(name, {
          names: value.filter((v): v is string => typeof v === 'string'),
          at: childPointer(located.at, name),
        });
    }
  }
  return out;
}

/** `dependentSchemas` and draft-07 `dependencies` with schemas. */
function dependentSchemas(view: SchemaView): Map<string, NodeRef> {
  const out = new Map<string, NodeRef>();
  for (const keyword of ['dependentSchemas', 'dependencies']) {
    const located = view.keywords.get(keyword);
    if (!located || !isSchemaObject(located.value)) continue;
    for (const [name, value] of Object.entries(located.value)) {
      if (!Array.isArray(value)) out.set(name, { pointer: childPointer(located.at, name), schema: value });
    }
  }
  return out;
}
