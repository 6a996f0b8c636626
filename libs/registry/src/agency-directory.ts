import type { ApplyOutcome } from './registry-log.js';
import type { RegistryRecord } from './registry-record.js';

export const AGENCY_ROLES = [
  'publisher',
  'subscriber',
  'integrator',
  'operator',
  'data-subject-officer',
] as const;
export type AgencyRole = (typeof AGENCY_ROLES)[number];
export type AgencyStatus = 'active' | 'suspended';
export const GRANT_RIGHTS = ['publish', 'subscribe', 'subscribe-personal-data'] as const;
export type GrantRight = (typeof GRANT_RIGHTS)[number];

/** `agency/<id>`: the agency itself (last-writer-wins full state). */
export interface AgencyData {
  name: string;
  status: AgencyStatus;
  roles: AgencyRole[];
}

/** `agency-key/<agencyId>/<kid>`: one public key (last-writer-wins; revocation is a state). */
export interface AgencyKeyData {
  jwk: Record<string, unknown>;
  status: 'active' | 'revoked';
}

/** `grant/<agencyId>/<right>/<type>`: present while `granted` is true. */
export interface GrantData {
  granted: boolean;
}

export interface AgencyView extends AgencyData {
  id: string;
  keys: { kid: string; jwk: Record<string, unknown>; status: 'active' | 'revoked' }[];
  grants: Record<GrantRight, string[]>;
  updatedAt: string;
}

/**
 * Agencies, their keys and grants, as every replica holds them. Each record kind is keyed by
 * entity and applied independently of the others, because compaction may reorder them
 * (an agency's latest record can land after its keys'); every apply is a plain upsert.
 */
export class AgencyDirectory {
  private readonly agencies = new Map<string, AgencyData & { updatedAt: string }>();
  private readonly keys = new Map<string, Map<string, AgencyKeyData>>();
  private readonly grants = new Map<string, Set<string>>();

  apply(record: RegistryRecord): ApplyOutcome {
    switch (record.kind) {
      case 'agency': {
        const data = record.data as Partial<AgencyData> | null;
        if (
          !data ||
          typeof data.name !== 'string' ||
          (data.status !== 'active' && data.status !== 'suspended')
        ) {
          return { accepted: false, reason: 'invalid-record' };
        }
        const roles = (data.roles ?? []).filter((r): r is AgencyRole =>
          (AGENCY_ROLES as readonly string[]).includes(r),
        );
        this.agencies.set(record.id, { name: data.name, status: data.status, roles, updatedAt: record.at });
        return { accepted: true };
      }
      case 'agency-key': {
        const slash = record.id.lastIndexOf('/');
        const data = record.data as Partial<AgencyKeyData> | null;
        if (
          slash < 1 ||
          !data ||
          typeof data.jwk !== 'object' ||
          (data.status !== 'active' && data.status !== 'revoked')
        ) {
          return { accepted: false, reason: 'invalid-record' };
        }
        const agencyId = record.id.slice(0, slash);
        const keys = this.keys.get(agencyId) ?? new Map<string, AgencyKeyData>();
        keys.set(record.id.slice(slash + 1), {
          jwk: data.jwk,
          status: data.status,
        });
        this.keys.set(agencyId, keys);
        return { accepted: true };
      }
      case 'grant': {
        const data = record.data as Partial<GrantData> | null;
        const [agencyId, right, type] = splitGrantId(record.id);
        if (!agencyId || !right || !type || typeof data?.granted !== 'boolean') {
          return { accepted: false, reason: 'invalid-record' };
        }
        const set = this.grants.get(agencyId) ?? new Set<string>();
        const entry = `${right}/${type}`;
        if (data.granted) set.add(entry);
        else set.delete(entry);
        this.grants.set(agencyId, set);
        return { accepted: true };
      }
      case 'schema-version':
      case 'schema-version-state':
      case 'schema-config':
      case 'global-config':
      case 'agency-rate-limits':
      case 'subscription':
        return { accepted: false, reason: 'not-an-agency-kind' };
    }
    // A kind from a newer writer: skipped, never fatal.
    return { accepted: false, reason: 'unknown-kind' };
  }

  get(agencyId: string): AgencyView | undefined {
    const agency = this.agencies.get(agencyId);
    if (!agency) return undefined;
    const grants: Record<GrantRight, string[]> = {
      publish: [],
      subscribe: [],
      'subscribe-personal-data': [],
    };
    for (const entry of [...(this.grants.get(agencyId) ?? [])].sort()) {
      const slash = entry.indexOf('/');
      grants[entry.slice(0, slash) as GrantRight]?.push(entry.slice(slash + 1));
    }
    return {
      id: agencyId,
      name: agency.name,
      status: agency.status,
      roles: [...agency.roles],
      keys: [...(this.keys.get(agencyId) ?? new Map<string, AgencyKeyData>())].map(([kid, k]) => ({
        kid,
        ...k,
      })),
      grants,
      updatedAt: agency.updatedAt,
    };
  }

  list(): AgencyView[] {
    return [...this.agencies.keys()].sort().map((id) => this.get(id)!);
  }

  isActive(agencyId: string): boolean {
    return this.agencies.get(agencyId)?.status === 'active';
  }

  hasRole(agencyId: string, role: AgencyRole): boolean {
    const agency = this.agencies.get(agencyId);
    return agency?.status === 'active' && agency.roles.includes(role);
  }

  hasGrant(agencyId: string, right: GrantRight, type: string): boolean {
    return this.grants.get(agencyId)?.has(`${right}/${type}`) ?? false;
  }

  /** Non-revoked public keys of an agency. */
  activeKeys(agencyId: string): { kid: string; jwk: Record<string, unknown> }[] {
    return [...(this.keys.get(agencyId) ?? new Map<string, AgencyKeyData>())]
      .filter(([, k]) => k.status === 'active')
      .map(([kid, k]) => ({ kid, jwk: k.jwk }));
  }

  keyStatus(agencyId: string, kid: string): 'active' | 'revoked' | undefined {
    return this.keys.get(agencyId)?.get(kid)?.status;
  }

  size(): number {
    return this.agencies.size;
  }
}

/** `grant` ids are `<agencyId>/<right>/<type>`; agency ids and types contain no slash. */
export function grantId(agencyId: string, right: GrantRight, type: string): string {
  return `${agencyId}/${right}/${type}`;
}

function splitGrantId(id: string): [string?, GrantRight?, string?] {
  const [agencyId, right, type, ...rest] = id.split('/');
  if (rest.length > 0 || !(GRANT_RIGHTS as readonly string[]).includes(right ?? '')) return [];
  return [agencyId, right as GrantRight, type];
}
