import { describe, expect, it } from '@jest/globals';
import {
  InvalidEcmaPatternError,
  UnsupportedPatternError,
  compileRe2Pattern,
  re2RegExp,
} from './re2-regexp.js';

/**
 * Patterns and inputs on which RE2 and ECMAScript disagree unless the pattern is translated:
 * every row must give the native engine's answer (these inputs are harmless for it).
 */
const SAME_AS_ECMASCRIPT: readonly (readonly [string, readonly string[]])[] = [
  ['^\\s$', [' ', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\v', 'a']],
  ['^\\S+$', ['abc', 'a\u00a0b', 'ễ']],
  ['^[\\s,]+$', [' ,\u00a0', 'a']],
  ['^[^\\s]+$', ['abc', 'a b', 'a\u2028']],
  ['^[\\S\\d]$', ['a', ' ', '\u00a0']],
  ['^.$', ['a', '\n', '\r', '\u2028', '\u2029', '😀', '\u0085']],
  ['^[]$', ['', 'a']],
  ['^[^]$', ['a', '\n']],
  ['^[]a$', ['a', ']a', '']],
  ['^[[]$', ['[', 'a']],
  ['^[[:alpha:]+$', ['pha', ':a[', 'b']],
  ['a$', ['a', 'a\n', 'ba']],
  ['^a', ['ab', '\na']],
  ['^\\u00e9$', ['é', 'e']],
  ['^\\u{1F600}$', ['😀', '😃']],
  ['^\\uD83D\\uDE00$', ['😀', '😃']],
  ['^[\\u{1F600}-\\u{1F64F}]+$', ['😀😃', 'a']],
  ['^😀+$', ['😀😀', '😀a']],
  ['^\\x41\\cJ\\0$', ['A\n\0', 'A\n0']],
  ['^[\\b]$', ['\b', 'b']],
  ['^a\\/b$', ['a/b']],
  ['^[a\\-z]$', ['-', 'b']],
  ['^(?<nam>[0-9]{4})-(?:[0-9]{2})$', ['2025-01', '2025-1']],
  ['^\\p{Lu}\\p{Ll}+$', ['Ánh', 'ánh']],
  ['^\\p{Letter}+$', ['Tuyết', 'T1']],
  ['^\\p{General_Category=Decimal_Number}+$', ['0123', '١٢٣', 'x']],
  ['^\\p{Script=Latin}+$', ['Nguyễn', 'Αθήνα']],
  ['^\\P{L}+$', ['123', 'a1']],
  ['\\bviệt\\b', ['nam việt nam', 'việtnam']],
  ['^\\d{3}\\w*$', ['123abc_', '12a']],
  ['^(?:ab|cd){2,3}$', ['abcd', 'ab', 'abcdabcd']],
  ['^a+?b*?$', ['aab', 'b']],
  ['^[^a-c]$', ['d', 'b']],
];

describe('compileRe2Pattern', () => {
  it.each(SAME_AS_ECMASCRIPT)('%s means what it means in ECMAScript', (pattern, inputs) => {
    const re2 = compileRe2Pattern(pattern, 'u');
    const native = new RegExp(pattern, 'u');
    for (const input of inputs) expect([input, re2.test(input)]).toEqual([input, native.test(input)]);
  });

  it.each([
    ['(?=a)', /look-ahead/],
    ['(?!a)', /look-ahead/],
    ['(?<=a)b', /look-behind/],
    ['(?<!a)b', /look-behind/],
    ['(a)\\1', /back-reference/],
    ['(?<n>a)\\k<n>', /back-reference/],
    ['a{1001}', /repetition/],
    ['(?:a{100}){100}', /RE2 cannot run/],
  ])('refuses %s', (pattern, message) => {
    expect(() => compileRe2Pattern(pattern)).toThrow(UnsupportedPatternError);
    expect(() => compileRe2Pattern(pattern)).toThrow(message);
  });

  it.each(['(', '[a', 'a{2,1}', '\\', '(?i)a', '\\Qa\\E', '\\z', 'a**'])(
    'refuses %s as not ECMAScript',
    (pattern) => {
      expect(() => compileRe2Pattern(pattern)).toThrow(InvalidEcmaPatternError);
    },
  );

  it('refuses flags other than u', () => {
    expect(() => compileRe2Pattern('a', 'i')).toThrow(UnsupportedPatternError);
    expect(compileRe2Pattern('a', '').test('a')).toBe(true);
  });

  it('gives ajv a distinct cache key per pattern', () => {
    expect(compileRe2Pattern('^a$', 'u').toString()).toBe('/^a$/u');
    expect(compileRe2Pattern('^a$', 'u').toString()).not.toBe(compileRe2Pattern('^b$', 'u').toString());
    expect(re2RegExp('^a$', 'u').test('a')).toBe(true);
    expect(re2RegExp.code).toBeTruthy();
  });

  it('matches in linear time where the native engine backtracks exponentially', () => {
    const hostile = `${'a'.repeat(50_000)}!`;
    expect(compileRe2Pattern('^(a+)+$').test(hostile)).toBe(false);
    expect(compileRe2Pattern('^(a|aa)+$').test(hostile)).toBe(false);
    expect(compileRe2Pattern('^(\\w+\\s?)*$').test(hostile)).toBe(false);
  });
});
