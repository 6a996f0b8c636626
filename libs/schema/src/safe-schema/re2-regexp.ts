import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/**
 * Why a JSON Schema pattern cannot run on RE2: the construct named in English and Vietnamese.
 * Thrown by {@link translateEcmaPattern}; the safety check turns it into `schema-unsafe-regex`.
 */
export class UnsupportedPatternError extends Error {
  override readonly name: string = 'UnsupportedPatternError';

  constructor(
    message: string,
    readonly messageVi: string,
  ) {
    super(message);
  }
}

/** The pattern is not an ECMA-262 regular expression at all (a schema error, not a safety one). */
export class InvalidEcmaPatternError extends UnsupportedPatternError {
  override readonly name: string = 'InvalidEcmaPatternError';

  constructor(detail: string) {
    super(
      `not a valid ECMA-262 regular expression: ${detail}`,
      `không phải biểu thức chính quy ECMA-262 hợp lệ: ${detail}`,
    );
  }
}

/** ECMAScript WhiteSpace and LineTerminator code points (ECMA-262 sections 12.2 and 12.3): `\s`. */
const ECMA_SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;
const rangeText = (ranges: readonly (readonly [number, number])[]): string =>
  ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

// RE2's `\s` is only [\t\n\f\r ] and its `.` excludes only \n; ECMAScript's are wider, so both
// are spelled out to keep a pattern's meaning identical under either engine.
const SPACE_RANGES = rangeText(ECMA_SPACE);
const NON_SPACE_RANGES = rangeText(complement(ECMA_SPACE));
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const EVERYTHING = `[\\x{0}-\\x{10ffff}]`;
const NOTHING = `[^\\x{0}-\\x{10ffff}]`;

/** ECMAScript long General_Category names (ECMA-262 table 67) and RE2's short ones. */
const GENERAL_CATEGORY: Readonly<Record<string, string>> = {
  Letter: 'L',
  Cased_Letter: 'LC',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Combining_Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|'.split(''));

function unsupported(en: string, vi: string): never {
  throw new UnsupportedPatternError(en, vi);
}

/**
 * Rewrites an ECMAScript pattern (as JSON Schema and ajv read it: ECMA-262 with the `u` flag)
 * into RE2 syntax with the same meaning, or throws {@link UnsupportedPatternError} for what RE2
 * cannot run in linear time: look-around and back-references. The pattern must already be a
 * valid `u`-mode ECMAScript pattern; this is a translator, not a validator.
 */
export function translateEcmaPattern(pattern: string): string {
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      const { text, next } = translateEscape(pattern, i, false);
      out += text;
      i = next;
    } else if (c === '[') {
      const { text, next } = translateClass(pattern, i);
      out += text;
      i = next;
    } else if (c === '(') {
      if (pattern.startsWith('(?=', i) || pattern.startsWith('(?!', i)) {
        unsupported(
          'look-ahead assertions cannot run on RE2',
          'RE2 không hỗ trợ khẳng định nhìn trước (look-ahead)',
        );
      }
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) {
        unsupported(
          'look-behind assertions cannot run on RE2',
          'RE2 không hỗ trợ khẳng định nhìn sau (look-behind)',
        );
      }
      if (pattern.startsWith('(?<', i)) {
        // A named group: only test() runs, so captures are irrelevant; RE2 also restricts names.
        const close = pattern.indexOf('>', i);
        out += '(?:';
        i = close + 1;
      } else if (pattern.startsWith('(?', i)) {
        out += '(?';
        i += 2;
      } else {
        out += '(?:';
        i += 1;
      }
    } else if (c === '.') {
      out += DOT;
      i += 1;
    } else if (c === '{') {
      const close = pattern.indexOf('}', i);
      const counts = pattern.slice(i + 1, close).split(',');
      if (counts.some((count) => count !== '' && Number(count) > 1000)) {
        unsupported(
          'repetition counts above 1000 cannot run on RE2',
          'RE2 không hỗ trợ số lần lặp lớn hơn 1000',
        );
      }
      out += pattern.slice(i, close + 1);
      i = close + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function translateClass(pattern: string, start: number): { text: string; next: number } {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '^') {
    negated = true;
    i += 1;
  }
  // In ECMAScript `[]` is the empty class and `[^]` matches anything; in RE2 a `]` right after
  // `[` or `[^` is a literal.
  if (pattern[i] === ']') return { text: negated ? EVERYTHING : NOTHING, next: i + 1 };
  let body = '';
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!;
    if (c === '\\') {
      const { text, next } = translateEscape(pattern, i, true);
      body += text;
      i = next;
    } else {
      // `[` is a literal inside an ECMAScript class but may open `[:alpha:]` in RE2.
      body += c === '[' ? '\\[' : c;
      i += 1;
    }
  }
  return { text: `[${negated ? '^' : ''}${body}]`, next: i + 1 };
}

function translateEscape(pattern: string, start: number, inClass: boolean): { text: string; next: number } {
  const c = pattern[start + 1];
  const next = start + 2;
  switch (c) {
    case undefined:
      return unsupported('the pattern ends with a lone backslash', 'mẫu kết thúc bằng dấu gạch chéo ngược');
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
      return { text: `\\${c}`, next };
    case 'b':
      return { text: inClass ? hex(8) : '\\b', next };
    case 'B':
      return { text: '\\B', next };
    case 's':
      return { text: inClass ? SPACE_RANGES : `[${SPACE_RANGES}]`, next };
    case 'S':
      return { text: inClass ? NON_SPACE_RANGES : `[${NON_SPACE_RANGES}]`, next };
    case '0':
      return { text: hex(0), next };
    case 'k':
      return unsupported(
        'back-references cannot run on RE2',
        'RE2 không hỗ trợ tham chiếu ngược (back-reference)',
      );
    case 'c': {
      const letter = pattern.charCodeAt(next);
      return { text: hex(letter % 32), next: next + 1 };
    }
    case 'x':
      return { text: hex(parseInt(pattern.slice(next, next + 2), 16)), next: next + 2 };
    case 'u':
      return translateUnicodeEscape(pattern, start);
    case 'p':
    case 'P':
      return translatePropertyEscape(pattern, start);
    case '-':
      return { text: '\\-', next };
    case '/':
      return { text: '/', next };
    default:
      if (c >= '1' && c <= '9') {
        return unsupported(
          'back-references cannot run on RE2',
          'RE2 không hỗ trợ tham chiếu ngược (back-reference)',
        );
      }
      if (SYNTAX_CHARACTERS.has(c)) return { text: `\\${c}`, next };
      return unsupported(`the escape \\${c} is not supported`, `không hỗ trợ chuỗi thoát \\${c}`);
  }
}

function translateUnicodeEscape(pattern: string, start: number): { text: string; next: number } {
  const at = start + 2;
  if (pattern[at] === '{') {
    const close = pattern.indexOf('}', at);
    return { text: hex(parseInt(pattern.slice(at + 1, close), 16)), next: close + 1 };
  }
  const high = parseInt(pattern.slice(at, at + 4), 16);
  // With the `u` flag an escaped surrogate pair is one code point.
  if (high >= 0xd800 && high <= 0xdbff && pattern.startsWith('\\u', at + 4)) {
    const low = parseInt(pattern.slice(at + 6, at + 10), 16);
    if (low >= 0xdc00 && low <= 0xdfff) {
      return { text: hex(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)), next: at + 10 };
    }
  }
  return { text: hex(high), next: at + 4 };
}

function translatePropertyEscape(pattern: string, start: number): { text: string; next: number } {
  const letter = pattern[start + 1]!;
  const close = pattern.indexOf('}', start);
  const body = pattern.slice(start + 3, close);
  const eq = body.indexOf('=');
  let name = body;
  if (eq >= 0) {
    const key = body.slice(0, eq);
    name = body.slice(eq + 1);
    if (key !== 'General_Category' && key !== 'gc' && key !== 'Script' && key !== 'sc') {
      unsupported(`the Unicode property ${key} is not supported`, `không hỗ trợ thuộc tính Unicode ${key}`);
    }
  }
  return { text: `\\${letter}{${GENERAL_CATEGORY[name] ?? name}}`, next: close + 1 };
}

/** A compiled pattern as ajv uses it: only `test`, plus a `toString` ajv keys its cache on. */
export class Re2Pattern implements RegExpLike {
  constructor(
    private readonly source: string,
    private readonly flags: string,
    private readonly re2: RE2JS,
  ) {}

  test(input: string): boolean {
    return this.re2.test(input);
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/**
 * Compiles an ECMAScript pattern to a linear-time RE2 matcher. Throws
 * {@link UnsupportedPatternError} when the pattern is not valid ECMAScript or RE2 cannot run it.
 */
export function compileRe2Pattern(pattern: string, flags = 'u'): Re2Pattern {
  if (flags !== 'u' && flags !== '') {
    throw new UnsupportedPatternError(
      `regular expression flags "${flags}" are not supported`,
      `không hỗ trợ cờ "${flags}"`,
    );
  }
  assertEcmaPattern(pattern);
  const translated = translateEcmaPattern(pattern);
  try {
    return new Re2Pattern(pattern, flags, RE2JS.compile(translated));
  } catch (cause) {
    throw new UnsupportedPatternError(
      `RE2 cannot run this pattern: ${(cause as Error).message}`,
      `RE2 không chạy được mẫu này: ${(cause as Error).message}`,
    );
  }
}

/** Throws {@link UnsupportedPatternError} unless `pattern` is a valid ECMA-262 `u`-mode pattern. */
export function assertEcmaPattern(pattern: string): void {
  try {
    // Compiling a native RegExp is safe (and bounded by the schema size limit); only matching
    // with it could backtrack, and it is never used to match.
    new RegExp(pattern, 'u');
  } catch (cause) {
    throw new InvalidEcmaPatternError((cause as Error).message);
  }
}

/**
 * ajv's `code.regExp` engine running every `pattern` and `patternProperties` key on RE2 (linear
 * time, no catastrophic backtracking). `code` is only read by ajv's standalone code generation,
 * which Lienthong does not use.
 */
export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExpLike => compileRe2Pattern(pattern, flags),
  { code: 'lienthongRe2RegExp' },
);
