import { LienthongError } from '@lienthong/contracts';

/** Longest key accepted, in characters. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * A key is 1 to 255 visible ASCII characters (`%x21-7E`): no spaces, no control or non-ASCII
 * characters. The draft lets the resource server fix the format and asks it to validate keys
 * before any lookup (section "Security Considerations"); this one admits UUIDs, ULIDs, base64url
 * and the keys common client libraries generate.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** True when `key` is a well-formed idempotency key (after header unquoting). */
export function isIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY_PATTERN.test(key);
}

/**
 * Reads the `Idempotency-Key` header: undefined when absent, the key when well formed, and a
 * `LienthongError('invalid-header')` otherwise. The draft defines the value as an RFC 8941 sf-string
 * (`"8e03978e-..."`, section 3.3.3 escapes `\"` and `\\`); a bare key is accepted too, as many
 * clients send one, but it may then not contain `"`, `\` or `,`. A repeated header is refused
 * (the draft: clients MUST NOT send more than one), including one that Node joined with a comma.
 */
export function readIdempotencyKey(headerValue: string | readonly string[] | undefined): string | undefined {
  if (headerValue === undefined) return undefined;
  if (typeof headerValue !== 'string') {
    if (headerValue.length === 1) return readIdempotencyKey(headerValue[0]);
    throw invalidKey('Send exactly one Idempotency-Key header.', 'Chỉ gửi đúng một tiêu đề Idempotency-Key.');
  }
  const value = headerValue.trim();
  const key = value.startsWith('"') ? parseSfString(value) : parseBareKey(value);
  if (key === undefined || !isIdempotencyKey(key)) {
    throw invalidKey(
      `Idempotency-Key must be a quoted string of 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters.`,
      `Idempotency-Key phải là chuỗi trong dấu ngoặc kép gồm 1 đến ${IDEMPOTENCY_KEY_MAX_LENGTH} ký tự ASCII hiển thị được.`,
    );
  }
  return key;
}

/** RFC 8941 section 4.2.5: the whole value must be one sf-string, nothing after it. */
function parseSfString(value: string): string | undefined {
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[++i];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
    } else if (ch === '"') {
      return i === value.length - 1 ? out : undefined;
    } else {
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) return undefined;
      out += ch;
    }
  }
  return undefined; // no closing quote
}

function parseBareKey(value: string): string | undefined {
  return /["\\,]/.test(value) ? undefined : value;
}

function invalidKey(detail: string, detailVi: string): LienthongError {
  return new LienthongError('invalid-header', { detail, detailVi });
}

/**
 * The scope a key lives in: the authenticated agency and the concrete route, so two agencies,
 * or one agency on two message types, never share a key (draft, "Security Considerations":
 * a composite lookup key).
 */
export function idempotencyScope(agencyId: string, method: string, path: string): string {
  return `${agencyId} ${method.toUpperCase()} ${path}`;
}
