import type { RateLimitedRoute } from '@lienthong/registry';
import { MAX_BATCH_RECORDS } from '../messages/messages.dto.js';

/** Inclusive integer range. */
export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * What a bucket may be set to, by the `RATE_LIMIT_*` variables and by an operator's per-agency
 * override alike, so that an override can never configure what the gateway would refuse to
 * boot with. Every burst also holds at least one second's refill (`burst ≥ perSecond`).
 */
export const RATE_LIMIT_BOUNDS: Record<RateLimitedRoute, { perSecond: IntegerRange; burst: IntegerRange }> = {
  token: {
    perSecond: { min: 1, max: 1_000_000 },
    burst: { min: 1, max: 1_000_000 },
  },
  // A batch counts its records and is admitted whole, so a smaller burst would refuse every
  // full batch forever.
  publish: {
    perSecond: { min: 1, max: 100_000_000 },
    burst: { min: MAX_BATCH_RECORDS, max: 100_000_000 },
  },
};
