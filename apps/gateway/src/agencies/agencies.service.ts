import { Injectable } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import type {
  AgencyData,
  AgencyKeyData,
  AgencyRateLimitsData,
  AgencyView,
  GrantData,
  GrantRight,
} from '@lienthong/registry';
import { RegistryLog, RegistryState, RegistryUnavailableError, grantId } from '@lienthong/registry';
import { parseAgencyJwks } from '@lienthong/trust';
import type { EffectiveRateLimit, RateLimitedRoute } from '../rate-limit/rate-limit.service.js';
import { AgencyRateLimits } from '../rate-limit/rate-limit.service.js';
import type { CreateAgencyRequest } from './agencies.dto.js';

/** An agency as operators see it: the registry's view and the limits it runs under. */
export type AgencyAdminView = AgencyView & { rateLimits: Record<RateLimitedRoute, EffectiveRateLimit> };

/**
 * Agencies, keys, grants and rate-limit overrides are registry records: every write goes through
 * the log and answers once this replica applied it, so a suspension or revocation holds on every
 * replica as soon as each has read it (they tail the log continuously).
 */
@Injectable()
export class AgenciesService {
  constructor(
    private readonly log: RegistryLog,
    private readonly state: RegistryState,
    private readonly rateLimits: AgencyRateLimits,
  ) {}

  list(): AgencyAdminView[] {
    return this.state.agencies.list().map((agency) => this.withLimits(agency));
  }

  get(id: string): AgencyAdminView {
    const agency = this.state.agencies.get(id);
    if (!agency) {
      throw new LienthongError('unknown-agency', {
        detail: `No agency ${id}.`,
        detailVi: `Không có cơ quan ${id}.`,
      });
    }
    return this.withLimits(agency);
  }

  private withLimits(agency: AgencyView): AgencyAdminView {
    return { ...agency, rateLimits: this.rateLimits.effective(agency.id) };
  }

  async create(request: CreateAgencyRequest, by: string): Promise<AgencyView> {
    if (this.state.agencies.get(request.id)) {
      throw new LienthongError('agency-exists', {
        detail: `Agency ${request.id} exists.`,
        detailVi: `Cơ quan ${request.id} đã tồn tại.`,
      });
    }
    const keys = request.jwks === undefined ? [] : parseAgencyJwks(request.jwks);
    await this.append<AgencyData>(
      'agency',
      request.id,
      { name: request.name, status: 'active', roles: request.roles },
      by,
    );
    for (const key of keys) {
      await this.append<AgencyKeyData>(
        'agency-key',
        `${request.id}/${key.kid}`,
        { jwk: { ...key.jwk }, status: 'active' },
        by,
      );
    }
    for (const [right, types] of Object.entries(request.grants) as [GrantRight, string[]][]) {
      for (const type of types) await this.setGrant(request.id, right, type, true, by);
    }
    return this.get(request.id);
  }

  async setStatus(id: string, status: 'active' | 'suspended', by: string): Promise<AgencyView> {
    const agency = this.get(id);
    await this.append<AgencyData>('agency', id, { name: agency.name, status, roles: agency.roles }, by);
    return this.get(id);
  }

  async addKeys(id: string, jwks: unknown, by: string): Promise<AgencyView> {
    const agency = this.get(id);
    const keys = parseAgencyJwks(jwks);
    for (const key of keys) {
      if (agency.keys.some((k) => k.kid === key.kid)) {
        throw new LienthongError('invalid-agency-key', {
          detail: `Key ${key.kid} is already registered; a revoked kid is never reused.`,
          detailVi: `Khoá ${key.kid} đã được đăng ký; kid đã thu hồi không được dùng lại.`,
        });
      }
    }
    for (const key of keys) {
      await this.append<AgencyKeyData>(
        'agency-key',
        `${id}/${key.kid}`,
        { jwk: { ...key.jwk }, status: 'active' },
        by,
      );
    }
    return this.get(id);
  }

  async revokeKey(id: string, kid: string, by: string): Promise<AgencyView> {
    const key = this.get(id).keys.find((k) => k.kid === kid);
    if (!key)
      throw new LienthongError('unknown-agency', {
        detail: `Agency ${id} has no key ${kid}.`,
        detailVi: `Cơ quan ${id} không có khoá ${kid}.`,
      });
    await this.append<AgencyKeyData>('agency-key', `${id}/${kid}`, { jwk: key.jwk, status: 'revoked' }, by);
    return this.get(id);
  }

  async setGrant(id: string, right: GrantRight, type: string, granted: boolean, by: string): Promise<void> {
    await this.append<GrantData>('grant', grantId(id, right, type), { granted }, by);
  }

  /** Replaces the agency's rate-limit overrides (`{}`: back to the defaults on every route). */
  async setRateLimits(id: string, limits: AgencyRateLimitsData, by: string): Promise<AgencyAdminView> {
    this.get(id);
    await this.append<AgencyRateLimitsData>('agency-rate-limits', id, limits, by);
    return this.get(id);
  }

  private async append<D>(
    kind: 'agency' | 'agency-key' | 'grant' | 'agency-rate-limits',
    id: string,
    data: D,
    by: string,
  ): Promise<void> {
    let outcome;
    try {
      outcome = await this.log.append(kind, id, data, by);
    } catch (cause) {
      if (cause instanceof RegistryUnavailableError)
        throw new LienthongError('registry-unavailable', { retryAfterSeconds: 5, cause });
      throw cause;
    }
    if (!outcome.accepted) throw new Error(`registry refused ${kind} ${id}: ${outcome.reason}`);
  }
}
