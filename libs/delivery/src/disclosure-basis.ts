import type { ProblemPointer } from '@lienthong/contracts';
import type { DisclosurePurpose } from './subscription.js';

/** Longest purpose text, per language. */
export const MAX_PURPOSE_LENGTH = 500;
/** Longest legal-basis citation. */
export const MAX_LEGAL_BASIS_LENGTH = 200;

/**
 * A citation of a Vietnamese legal document, optionally down to article, clause and point:
 * `<kind> [số ]<number>/<year>/<issuer code>[ Điều <n>[ khoản <n>[ điểm <letter>]]]`, e.g.
 * `Luật 91/2025/QH15 Điều 19`, `Nghị định 278/2025/NĐ-CP Điều 5 khoản 2 điểm a`. Matched on the
 * NFC form, so a citation typed with combining diacritics is the same citation.
 */
export const LEGAL_BASIS_PATTERN =
  /^(Luật|Bộ luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Thông tư|Thông tư liên tịch) (số )?[0-9]{1,4}\/[0-9]{4}\/[A-Za-zĐđ0-9-]{2,24}( Điều [0-9]{1,3}[a-z]?( [Kk]hoản [0-9]{1,3}( [Đđ]iểm [a-zđ])?)?)?$/u;

/** True when `value` is a legal-basis citation (see `LEGAL_BASIS_PATTERN`). */
export function isLegalBasis(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_LEGAL_BASIS_LENGTH &&
    LEGAL_BASIS_PATTERN.test(value.normalize('NFC'))
  );
}

/**
 * Reads the untrusted `purpose` and `legalBasis` of a subscription request (either may be
 * absent), pushing a bilingual problem per malformed member. The purpose is
 * `{"vi": "…", "en"?: "…"}`: Vietnamese is the official text, English optional.
 */
export function parseDisclosureBasis(
  body: Record<string, unknown>,
  errors: ProblemPointer[],
): { purpose?: DisclosurePurpose; legalBasis?: string } {
  const result: { purpose?: DisclosurePurpose; legalBasis?: string } = {};
  const purpose = body['purpose'];
  if (purpose !== undefined) {
    const text = (v: unknown): v is string =>
      typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_PURPOSE_LENGTH;
    const p = purpose as Record<string, unknown> | null;
    const ok =
      p !== null &&
      typeof p === 'object' &&
      !Array.isArray(p) &&
      Object.keys(p).every((k) => k === 'vi' || k === 'en') &&
      text(p['vi']) &&
      (p['en'] === undefined || text(p['en']));
    if (ok) {
      result.purpose = { vi: (p['vi'] as string).normalize('NFC') };
      if (p['en'] !== undefined) result.purpose.en = p['en'] as string;
    } else {
      errors.push({
        pointer: '/purpose',
        message: `must be {"vi": "…", "en": "…"} (en optional), each 1 to ${MAX_PURPOSE_LENGTH} characters`,
        messageVi: `phải có dạng {"vi": "…", "en": "…"} (en không bắt buộc), mỗi mục từ 1 đến ${MAX_PURPOSE_LENGTH} ký tự`,
      });
    }
  }
  const legalBasis = body['legalBasis'];
  if (legalBasis !== undefined) {
    if (isLegalBasis(legalBasis)) result.legalBasis = legalBasis.normalize('NFC');
    else {
      errors.push({
        pointer: '/legalBasis',
        message:
          'must cite a legal document, such as "Luật 91/2025/QH15 Điều 19" or "Nghị định 278/2025/NĐ-CP Điều 5 khoản 2"',
        messageVi:
          'phải trích dẫn văn bản quy phạm pháp luật, ví dụ "Luật 91/2025/QH15 Điều 19" hoặc "Nghị định 278/2025/NĐ-CP Điều 5 khoản 2"',
      });
    }
  }
  return result;
}
