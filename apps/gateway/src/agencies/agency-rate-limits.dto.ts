import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError } from '@lienthong/contracts';
import type { AgencyRateLimitsData, RateLimitOverride } from '@lienthong/registry';
import { RATE_LIMITED_ROUTES } from '@lienthong/registry';
import { parseStrictJson } from '@lienthong/schema';
import { RATE_LIMIT_BOUNDS } from '../rate-limit/rate-limit-bounds.js';

function invalid(errors: ProblemPointer[]): LienthongError {
  return new LienthongError('invalid-rate-limits', {
    detail: 'The request body does not describe valid rate limits.',
    detailVi: 'Nội dung yêu cầu không mô tả giới hạn tần suất truy cập hợp lệ.',
    errors,
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `PUT /v1/agencies/{id}/rate-limits` body: `{ "token"?: {perSecond, burst}, "publish"?: … }`.
 * The body is the agency's whole set of overrides: a route left out follows the defaults.
 * Bounds are those of the `RATE_LIMIT_*` variables, so an override is never a setting the
 * gateway would refuse to boot with.
 */
export function parseAgencyRateLimits(body: Buffer | undefined): AgencyRateLimitsData {
  if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
  const value = parseStrictJson(body);
  if (!isObject(value)) {
    throw invalid([{ pointer: '', message: 'must be an object', messageVi: 'phải là một đối tượng' }]);
  }
  const errors: ProblemPointer[] = [];
  for (const name of Object.keys(value)) {
    if (!(RATE_LIMITED_ROUTES as readonly string[]).includes(name)) {
      errors.push({
        pointer: `/${name}`,
        message: `unknown member; the limits are ${RATE_LIMITED_ROUTES.join(' and ')}`,
        messageVi: `thành phần không xác định; các giới hạn gồm ${RATE_LIMITED_ROUTES.join(' và ')}`,
      });
    }
  }
  const limits: AgencyRateLimitsData = {};
  for (const route of RATE_LIMITED_ROUTES) {
    if (value[route] === undefined) continue;
    const override = parseOverride(value[route], route, errors);
    if (override) limits[route] = override;
  }
  if (errors.length > 0) throw invalid(errors);
  return limits;
}

function parseOverride(
  value: unknown,
  route: (typeof RATE_LIMITED_ROUTES)[number],
  errors: ProblemPointer[],
): RateLimitOverride | undefined {
  const pointer = `/${route}`;
  if (!isObject(value)) {
    errors.push({
      pointer,
      message: 'must be an object with perSecond and burst',
      messageVi: 'phải là một đối tượng gồm perSecond và burst',
    });
    return undefined;
  }
  const before = errors.length;
  for (const name of Object.keys(value)) {
    if (name !== 'perSecond' && name !== 'burst') {
      errors.push({
        pointer: `${pointer}/${name}`,
        message: 'unknown member',
        messageVi: 'thành phần không xác định',
      });
    }
  }
  const bounds = RATE_LIMIT_BOUNDS[route];
  const perSecond = integerIn(value['perSecond'], `${pointer}/perSecond`, bounds.perSecond, errors);
  const burst = integerIn(value['burst'], `${pointer}/burst`, bounds.burst, errors);
  if (perSecond !== undefined && burst !== undefined && burst < perSecond) {
    errors.push({
      pointer: `${pointer}/burst`,
      message: `must be at least perSecond (${perSecond}): a burst holds at least one second's worth`,
      messageVi: `không được nhỏ hơn perSecond (${perSecond}): mỗi đợt phải chứa được ít nhất lượng của một giây`,
    });
  }
  if (errors.length > before || perSecond === undefined || burst === undefined) return undefined;
  return { perSecond, burst };
}

function integerIn(
  value: unknown,
  pointer: string,
  range: { min: number; max: number },
  errors: ProblemPointer[],
): number | undefined {
  if (value === undefined) {
    errors.push({ pointer, message: 'is required', messageVi: 'là bắt buộc' });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    // The publish burst floor is the batch size: say so, or the number looks arbitrary.
    const why = pointer === '/publish/burst' ? ', so that a full batch of records always fits' : '';
    const whyVi = pointer === '/publish/burst' ? ', để một lô đầy đủ bản ghi luôn được nhận' : '';
    errors.push({
      pointer,
      message: `must be a whole number from ${range.min} to ${range.max}${why}`,
      messageVi: `phải là số nguyên từ ${range.min} đến ${range.max}${whyVi}`,
    });
    return undefined;
  }
  return value;
}
