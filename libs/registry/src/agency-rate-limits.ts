import type { ApplyOutcome } from './registry-log.js';
import type { RegistryRecord } from './registry-record.js';

/** The routes whose per-agency token buckets operators may adjust. */
export const RATE_LIMITED_ROUTES = ['token', 'publish'] as const;
export type RateLimitedRoute = (typeof RATE_LIMITED_ROUTES)[number];

/** One bucket: `perSecond` refill, `burst` capacity (requests, or records on publish). */
export interface RateLimitOverride {
  perSecond: number;
  burst: number;
}

/**
 * `agency-rate-limits/<agencyId>`: an agency's overrides of the gateway's default buckets, a
 * last-writer-wins full state. A route that is absent follows the defaults; `{}` clears all.
 */
export type AgencyRateLimitsData = Partial<Record<RateLimitedRoute, RateLimitOverride>>;

/**
 * Per-agency rate-limit overrides as every replica holds them. Independent of the agency
 * record (compaction may put either first), so applying one is a plain upsert. The gateway
 * validated the values against its own bounds before writing; a replica still refuses what no
 * bucket could run (zero, negative or fractional numbers, a burst below one second's refill).
 */
export class AgencyRateLimitDirectory {
  private readonly overrides = new Map<string, AgencyRateLimitsData & { updatedAt: string }>();

  apply(record: RegistryRecord): ApplyOutcome {
    if (record.kind !== 'agency-rate-limits') return { accepted: false, reason: 'unknown-kind' };
    const data = record.data as Record<string, unknown> | null;
    if (!data || typeof data !== 'object' || Array.isArray(data) || record.id.length === 0) {
      return { accepted: false, reason: 'invalid-record' };
    }
    const overrides: AgencyRateLimitsData = {};
    // Members for routes this replica does not know (a newer writer) are skipped, not fatal.
    for (const route of RATE_LIMITED_ROUTES) {
      if (data[route] === undefined) continue;
      const override = readOverride(data[route]);
      if (!override) return { accepted: false, reason: 'invalid-record' };
      overrides[route] = override;
    }
    if (Object.keys(overrides).length === 0) this.overrides.delete(record.id);
    else this.overrides.set(record.id, { ...overrides, updatedAt: record.at });
    return { accepted: true, result: overrides };
  }

  /** The agency's overrides, or undefined when it follows the defaults on every route. */
  get(agencyId: string): (AgencyRateLimitsData & { updatedAt: string }) | undefined {
    const stored = this.overrides.get(agencyId);
    if (!stored) return undefined;
    const copy: AgencyRateLimitsData & { updatedAt: string } = { updatedAt: stored.updatedAt };
    for (const route of RATE_LIMITED_ROUTES) {
      const override = stored[route];
      if (override) copy[route] = { ...override };
    }
    return copy;
  }

  /** The override of one route, or undefined for the default. */
  forRoute(agencyId: string, route: RateLimitedRoute): RateLimitOverride | undefined {
    return this.overrides.get(agencyId)?.[route];
  }

  /** Agencies with at least one override. */
  size(): number {
    return this.overrides.size;
  }
}

function readOverride(value: unknown): RateLimitOverride | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { perSecond, burst } = value as Partial<Record<string, unknown>>;
  if (!isPositiveInteger(perSecond) || !isPositiveInteger(burst) || burst < perSecond) return undefined;
  return { perSecond, burst };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
