import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PROBLEM_CATALOGUE } from '@lienthong/contracts';

/**
 * Vietnamese answers must not fall back to English: a Vietnamese message (`detailVi`,
 * `messageVi`, `vi`) that contains three consecutive words of some English message (`detail`,
 * `message`, `en`) has left a phrase untranslated — typically an English error text
 * interpolated into a Vietnamese sentence. Read from the sources, so every literal is checked,
 * not just the paths a test happens to reach.
 */

const ENGLISH_KEYS = new Set(['detail', 'message', 'en']);
const VIETNAMESE_KEYS = new Set(['detailVi', 'messageVi', 'vi']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|e2e-spec|int-spec)\.ts$|test.*\.util\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** Reads a string literal starting at `i` (a quote or backtick); returns its text and the end. */
function readLiteral(source: string, i: number): { text: string; end: number } {
  const quote = source[i]!;
  let text = '';
  let j = i + 1;
  while (j < source.length && source[j] !== quote) {
    if (source[j] === '\\') {
      text += source[j + 1] ?? '';
      j += 2;
    } else if (quote === '`' && source.startsWith('${', j)) {
      // A placeholder is a value, not words of the message: it ends the phrase.
      let depth = 1;
      j += 2;
      while (j < source.length && depth > 0) {
        if (source[j] === '{') depth++;
        else if (source[j] === '}') depth--;
        else if (source[j] === '`' || source[j] === "'" || source[j] === '"')
          j = readLiteral(source, j).end - 1;
        j++;
      }
      text += ' \u0000 ';
    } else {
      text += source[j];
      j++;
    }
  }
  return { text, end: j + 1 };
}

/** The string literals of the value after `key:` at `i`, up to the comma or bracket that ends it. */
function valueLiterals(source: string, i: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let j = i;
  while (j < source.length) {
    const c = source[j]!;
    if (c === '`' || c === "'" || c === '"') {
      const literal = readLiteral(source, j);
      out.push(literal.text);
      j = literal.end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) break;
    j++;
  }
  return out;
}

/** Every message of the sources and the problem catalogue, by language. */
function messages(): { en: string[]; vi: { file: string; text: string }[] } {
  const en: string[] = Object.values(PROBLEM_CATALOGUE).map((entry) => entry.en);
  const vi: { file: string; text: string }[] = Object.values(PROBLEM_CATALOGUE).map((entry) => ({
    file: 'libs/contracts/src/errors/problem-codes.ts',
    text: entry.vi,
  }));
  for (const file of [...sourceFiles('apps'), ...sourceFiles('libs')]) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\b([A-Za-z]+)\s*:\s*/g)) {
      const key = match[1]!;
      if (!ENGLISH_KEYS.has(key) && !VIETNAMESE_KEYS.has(key)) continue;
      const literals = valueLiterals(source, match.index + match[0].length);
      if (ENGLISH_KEYS.has(key)) en.push(...literals);
      else vi.push(...literals.map((text) => ({ file, text })));
    }
  }
  return { en, vi };
}

/**
 * Runs of three words that no placeholder or code interrupts. A word is lower-case letters with
 * at most surrounding punctuation; a token with digits, `_`, `-`, `:`, quotes or braces is code
 * (a header, a variable, JSON), and a capitalised one a name (W3C Trace Context): both end a run.
 */
function trigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.split('\u0000')) {
    let words: string[] = [];
    for (const token of run.split(/\s+/)) {
      const word = /^\(?([a-zà-ỹ]+)[.,;!?)]*$/.exec(token)?.[1];
      if (word === undefined) {
        words = [];
        continue;
      }
      words.push(word);
      if (words.length >= 3 && words.slice(-3).every((w) => /^[a-z]+$/.test(w))) {
        out.push(words.slice(-3).join(' '));
      }
    }
  }
  return out;
}

describe('Vietnamese messages', () => {
  it('read the sources: both languages are found', () => {
    const { en, vi } = messages();
    expect(en.length).toBeGreaterThan(100);
    expect(vi.length).toBeGreaterThan(100);
  });

  it('contain no phrase of an English message', () => {
    const { en, vi } = messages();
    const english = new Set(en.flatMap(trigrams));
    expect(english.size).toBeGreaterThan(500);
    const untranslated = vi.flatMap(({ file, text }) =>
      trigrams(text)
        .filter((gram) => english.has(gram))
        .map((gram) => `${file}: "${gram}" in ${JSON.stringify(text)}`),
    );
    expect(untranslated).toEqual([]);
  });

  it('would catch an English reason interpolated into a Vietnamese sentence', () => {
    const english = new Set(trigrams('the scheme must be https'));
    expect(trigrams('URL webhook bị từ chối: the scheme must be https').some((g) => english.has(g))).toBe(
      true,
    );
    expect(trigrams('URL webhook bị từ chối: giao thức phải là https').some((g) => english.has(g))).toBe(
      false,
    );
  });
});
