import { LienthongError } from '@lienthong/contracts';
import type { DisclosurePosition } from './disclosure-index.js';

/** A subject identifier as the path may carry it: a citizen id, a passport number, … */
const SUBJECT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** RFC 3339 `date-time` with an explicit offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const CURSOR = /^(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,4})\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,4})$/;

export const DISCLOSURE_PAGE_DEFAULT = 100;
export const DISCLOSURE_PAGE_MAX = 1_000;

export interface DisclosureLookupQuery {
  since?: string;
  until?: string;
  limit: number;
  cursor?: DisclosurePosition;
}

/** The subject id from the path. The refusal never repeats it: it is personal data. */
export function parseSubjectId(value: string): string {
  if (SUBJECT_ID.test(value)) return value;
  throw new LienthongError('bad-request', {
    detail: 'The subject id must be 1 to 64 letters, digits, dots, colons, hyphens or underscores.',
    detailVi:
      'Mã chủ thể dữ liệu phải gồm 1 đến 64 chữ cái, chữ số, dấu chấm, dấu hai chấm, gạch ngang hoặc gạch dưới.',
  });
}

/** `?since=&until=&limit=&cursor=`; each at most once. */
export function parseDisclosureQuery(query: Record<string, unknown>): DisclosureLookupQuery {
  const result: DisclosureLookupQuery = { limit: DISCLOSURE_PAGE_DEFAULT };
  const refuse = (en: string, vi: string): never => {
    throw new LienthongError('bad-request', { detail: en, detailVi: vi });
  };
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string')
      refuse(`Query parameter "${name}" is repeated.`, `Tham số "${name}" bị lặp.`);
    const text = value as string;
    switch (name) {
      case 'since':
      case 'until':
        if (!RFC3339.test(text) || Number.isNaN(Date.parse(text))) {
          refuse(
            `${name} must be an RFC 3339 date-time with a time zone, such as 2026-11-28T08:00:00+07:00.`,
            `${name} phải là thời điểm theo RFC 3339 có múi giờ, ví dụ 2026-11-28T08:00:00+07:00.`,
          );
        }
        result[name] = new Date(Date.parse(text)).toISOString();
        break;
      case 'limit': {
        const n = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
        if (!(n >= 1 && n <= DISCLOSURE_PAGE_MAX)) {
          refuse(`limit must be 1 to ${DISCLOSURE_PAGE_MAX}.`, `limit phải từ 1 đến ${DISCLOSURE_PAGE_MAX}.`);
        }
        result.limit = n;
        break;
      }
      case 'cursor': {
        const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(text)
          ? Buffer.from(text, 'base64url').toString('latin1')
          : '';
        const match = CURSOR.exec(decoded);
        if (!match) refuse('cursor is not one this gateway gave.', 'cursor không phải giá trị do cổng cấp.');
        result.cursor = {
          time: Number(match![1]),
          partition: Number(match![2]),
          offset: Number(match![3]),
          ordinal: Number(match![4]),
        };
        break;
      }
      default:
        refuse(
          `Unknown query parameter "${name}"; use since, until, limit and cursor.`,
          `Tham số truy vấn "${name}" không xác định; hãy dùng since, until, limit và cursor.`,
        );
    }
  }
  if (result.since !== undefined && result.until !== undefined && result.since >= result.until) {
    refuse('since must be before until.', 'since phải trước until.');
  }
  return result;
}

/** The opaque cursor of the page after `position`. */
export function encodeCursor(position: DisclosurePosition): string {
  const { time, partition, offset, ordinal } = position;
  return Buffer.from(`${time}.${partition}.${offset}.${ordinal}`, 'latin1').toString('base64url');
}
