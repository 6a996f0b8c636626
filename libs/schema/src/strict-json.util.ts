import { LienthongError } from '@lienthong/contracts';

/** Nesting deeper than this is refused before any validator recurses into it. */
export const MAX_JSON_DEPTH = 64;

/** Property names refused anywhere in a payload: they are prototype-pollution vectors. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A `\u` escape for a UTF-16 surrogate (D800 to DFFF). Only strings matching it can decode to a
 * lone surrogate: the text itself came through a fatal UTF-8 decoder, so it holds none raw.
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** In `u` mode a well-formed pair is one code point, so this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Parses a request body as one JSON value, stricter than JSON.parse: the bytes must be UTF-8
 * (RFC 8259 section 8.1), no object may repeat a member name (section 4 leaves that undefined,
 * and parsers disagree on which one wins), prototype-pollution keys are refused, and nesting is
 * bounded. Throws LienthongError with a stable code.
 */
export function parseStrictJson(body: Uint8Array): unknown {
  if (body.length === 0) throw new LienthongError('empty-body');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (cause) {
    throw new LienthongError('malformed-json', {
      detail: 'The body is not valid UTF-8.',
      detailVi: 'Nội dung không phải UTF-8 hợp lệ.',
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw malformedJson(cause, text.length);
  }
  scanMemberNames(text);
  return value;
}

/**
 * `400 malformed-json` for a body JSON.parse refused, in both languages. The parser's own text is
 * not echoed: it quotes a piece of the body (which may be personal data, and ends up in logs)
 * and is English only; the position it names is kept.
 */
function malformedJson(cause: unknown, length: number): LienthongError {
  const message = cause instanceof Error ? cause.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  const [detail, detailVi] =
    /Unexpected end of JSON input/.test(message) || position === String(length)
      ? ['The body ends before its JSON value does.', 'Nội dung kết thúc khi giá trị JSON chưa kết thúc.']
      : position !== undefined
        ? [
            `The body is not valid JSON (error at character ${position}).`,
            `Nội dung không phải là JSON hợp lệ (lỗi tại ký tự thứ ${position}).`,
          ]
        : ['The body is not valid JSON.', 'Nội dung không phải là JSON hợp lệ.'];
  return new LienthongError('malformed-json', { detail, detailVi, cause });
}

interface Frame {
  readonly isObject: boolean;
  readonly names: Set<string>;
  expectName: boolean;
  index: number;
  lastName: string;
}

/**
 * One linear pass over text that JSON.parse already accepted: tracks objects and arrays, and
 * checks member names for duplicates and forbidden names. Iterative, so hostile nesting cannot
 * exhaust the stack. JSON Pointers are built only for an error (this runs on every publish).
 */
function scanMemberNames(text: string): void {
  const stack: Frame[] = [];
  const n = text.length;
  // One native pass decides whether any string needs the surrogate check; almost no body has
  // a surrogate escape, so the per-string work below is skipped entirely.
  const maySurrogate = SURROGATE_ESCAPE.test(text);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Jump to the closing quote (the text is valid JSON, so there is one): the next quote not
      // escaped, i.e. preceded by an even number of backslashes. indexOf is native and fast.
      const start = i + 1;
      i = text.indexOf('"', start);
      for (;;) {
        let backslash = i - 1;
        while (text.charCodeAt(backslash) === 0x5c /* \ */) backslash--;
        if ((i - 1 - backslash) % 2 === 0) break;
        i = text.indexOf('"', i + 1);
      }
      const top = stack[stack.length - 1];
      const isName = top?.isObject === true && top.expectName;
      const raw = isName || maySurrogate ? text.slice(start, i) : '';
      // RFC 8259 section 8.2: a string holding an unpaired surrogate is not Unicode text, and
      // receivers decode it differently (U+FFFD, an error, or the raw code unit).
      if (
        maySurrogate &&
        SURROGATE_ESCAPE.test(raw) &&
        LONE_SURROGATE.test(JSON.parse(`"${raw}"`) as string)
      ) {
        throw new LienthongError('malformed-json', {
          detail: 'A string contains an unpaired UTF-16 surrogate escape, which is not valid Unicode.',
          detailVi: 'Một chuỗi chứa mã thay thế UTF-16 (surrogate) đứng lẻ, không phải ký tự Unicode hợp lệ.',
          errors: [
            {
              pointer: isName ? memberPointer(stack, JSON.parse(`"${raw}"`) as string) : valuePointer(stack),
              message: 'unpaired surrogate in string',
              messageVi: 'chuỗi chứa mã thay thế đứng lẻ',
            },
          ],
        });
      }
      if (top && isName) {
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (FORBIDDEN_KEYS.has(name)) {
          throw new LienthongError('forbidden-json-key', {
            detail: `Property name "${name}" is not allowed.`,
            detailVi: `Không được dùng tên thuộc tính "${name}".`,
            errors: [
              {
                pointer: memberPointer(stack, name),
                message: 'forbidden property name',
                messageVi: 'tên thuộc tính bị cấm',
              },
            ],
          });
        }
        if (top.names.has(name)) {
          throw new LienthongError('duplicate-json-key', {
            detail: `Property "${name}" appears more than once in the same object.`,
            detailVi: `Thuộc tính "${name}" xuất hiện nhiều lần trong cùng một đối tượng.`,
            errors: [
              {
                pointer: memberPointer(stack, name),
                message: 'duplicate property name',
                messageVi: 'tên thuộc tính bị lặp',
              },
            ],
          });
        }
        top.names.add(name);
        top.lastName = name;
      }
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39) /* 0-9 */) {
      // RFC 8259 section 6: only integers within ±(2^53−1) are exact in every implementation;
      // beyond that subscribers silently round. An integer literal (no fraction, no exponent)
      // outside that range is refused; literals with a fraction or exponent are binary64 by
      // their form. Fewer than 16 digits is always safe, so Number() runs only on long ones.
      const start = i;
      let integral = true;
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d === 0x2e /* . */ || d === 0x65 /* e */ || d === 0x45 /* E */ || d === 0x2b || d === 0x2d) {
          integral = false;
          continue;
        }
        break;
      }
      i = j - 1;
      const digits = j - start - (c === 0x2d ? 1 : 0);
      if (integral && digits >= 16 && !Number.isSafeInteger(Number(text.slice(start, j)))) {
        // Quote at most 32 characters: a 20,000-digit literal must not be echoed back whole.
        const shown = j - start > 32 ? `${text.slice(start, start + 32)}…` : text.slice(start, j);
        throw new LienthongError('unsafe-integer', {
          detail: `The integer ${shown} is outside ±(2^53−1); declare the field as a string.`,
          detailVi: `Số nguyên ${shown} vượt quá phạm vi an toàn ±(2^53−1); hãy khai báo trường này là chuỗi.`,
          errors: [
            {
              pointer: valuePointer(stack),
              message: 'integer outside the safe range',
              messageVi: 'số nguyên vượt quá phạm vi an toàn',
            },
          ],
        });
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) {
        throw new LienthongError('json-too-deep', {
          detail: `Nesting deeper than ${MAX_JSON_DEPTH} levels is not accepted.`,
          detailVi: `Không chấp nhận cấu trúc lồng sâu hơn ${MAX_JSON_DEPTH} cấp.`,
        });
      }
      stack.push({ isObject: c === 0x7b, names: new Set(), expectName: c === 0x7b, index: 0, lastName: '' });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x3a /* : */) {
      const top = stack[stack.length - 1];
      if (top) top.expectName = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) {
        if (top.isObject) top.expectName = true;
        else top.index++;
      }
    }
  }
}

/** The JSON Pointer of member `name` of the innermost object on `stack`. */
function memberPointer(stack: readonly Frame[], name: string): string {
  let pointer = '';
  for (let depth = 0; depth < stack.length - 1; depth++) {
    const frame = stack[depth]!;
    pointer += `/${frame.isObject ? escapePointer(frame.lastName) : frame.index}`;
  }
  return `${pointer}/${escapePointer(name)}`;
}

/** The JSON Pointer of the value being read at the innermost frame of `stack`. */
function valuePointer(stack: readonly Frame[]): string {
  let pointer = '';
  for (const frame of stack) pointer += `/${frame.isObject ? escapePointer(frame.lastName) : frame.index}`;
  return pointer;
}

/** RFC 6901 section 3: `~` becomes `~0`, `/` becomes `~1`. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The exact bytes of each element of a top-level JSON array, surrounding whitespace trimmed,
 * so each element of a batch can be stored byte for byte. Call only on a body that
 * `parseStrictJson` accepted as an array.
 */
export function splitJsonArray(body: Uint8Array): Buffer[] {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: Buffer[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth === 1) {
        start = i + 1;
        continue;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
    if (depth === 1 && c === 0x2c) {
      out.push(trimJson(bytes, start, i));
      start = i + 1;
    } else if (depth === 0 && c === 0x5d) {
      const last = trimJson(bytes, start, i);
      if (last.length > 0 || out.length > 0) out.push(last);
      break;
    }
  }
  return out;
}

function trimJson(bytes: Buffer, from: number, to: number): Buffer {
  let a = from;
  let b = to;
  const ws = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  while (a < b && ws(bytes[a])) a++;
  while (b > a && ws(bytes[b - 1])) b--;
  return bytes.subarray(a, b);
}
