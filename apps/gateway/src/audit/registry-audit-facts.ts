import type { AuditFacts } from '@lienthong/audit';
import type { SubscriptionRecordData } from '@lienthong/delivery';
import type {
  AgencyData,
  AgencyKeyData,
  AgencyRateLimitsData,
  ApplyOutcome,
  GrantData,
  RegistryRecord,
} from '@lienthong/registry';

/** Longest `detail`: a bounded summary, never a payload. */
const MAX_DETAIL = 200;

const detail = (text: string): string =>
  text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;

/**
 * The audit facts of a registry change this replica wrote and applied: who allowed what, by
 * the id of the registry command (`messageId`). Agency names, key material, schemas and
 * webhook URLs stay out; kids, rights, types and versions are enough to answer "who allowed it".
 */
export function registryAuditFacts(
  record: RegistryRecord,
  outcome: ApplyOutcome,
  /** Whether the agency or subscription the record is about existed before it was applied. */
  existed: boolean,
): AuditFacts | undefined {
  if (!outcome.accepted) return undefined;
  const base = {
    messageId: record.commandId,
    at: record.at,
    ...(record.by !== undefined ? { actor: record.by } : {}),
  };
  switch (record.kind) {
    case 'agency': {
      const data = record.data as AgencyData;
      return {
        ...base,
        kind: existed ? 'agency-changed' : 'agency-registered',
        subject: record.id,
        detail: detail(`status=${data.status} roles=${data.roles.join(',')}`),
      };
    }
    case 'agency-key': {
      const data = record.data as AgencyKeyData;
      const slash = record.id.indexOf('/');
      return {
        ...base,
        kind: 'keys-changed',
        subject: record.id.slice(0, slash),
        detail: detail(`kid=${record.id.slice(slash + 1)} status=${data.status}`),
      };
    }
    case 'grant': {
      const data = record.data as GrantData;
      const [agency = '', right = '', ...type] = record.id.split('/');
      return {
        ...base,
        kind: 'grant-changed',
        subject: agency,
        type: type.join('/'),
        detail: detail(`${right} ${data.granted ? 'granted' : 'revoked'}`),
      };
    }
    case 'agency-rate-limits': {
      const data = record.data as AgencyRateLimitsData;
      const routes = Object.entries(data).map(([route, l]) => `${route}=${l.perSecond}/s burst ${l.burst}`);
      return {
        ...base,
        kind: 'rate-limits-changed',
        subject: record.id,
        detail: detail(routes.length > 0 ? routes.join(' ') : 'defaults'),
      };
    }
    case 'schema-version': {
      const result = outcome.result as { type?: unknown; version?: unknown; created?: unknown } | undefined;
      if (result?.created === false) return undefined;
      return {
        ...base,
        kind: 'schema-registered',
        type: typeof result?.type === 'string' ? result.type : record.id.slice(0, record.id.lastIndexOf('/')),
        ...(typeof result?.version === 'number' ? { schemaVersion: result.version } : {}),
      };
    }
    case 'schema-version-state': {
      const data = record.data as { state?: unknown };
      const slash = record.id.lastIndexOf('/');
      const version = record.id.slice(slash + 1);
      return {
        ...base,
        kind: 'schema-config-changed',
        type: record.id.slice(0, slash),
        ...(/^\d+$/.test(version) ? { schemaVersion: Number(version) } : {}),
        detail: detail(`state=${String(data.state)}`),
      };
    }
    case 'schema-config':
    case 'global-config': {
      const data = record.data as { compatibility?: unknown };
      return {
        ...base,
        kind: 'schema-config-changed',
        ...(record.kind === 'schema-config' ? { type: record.id } : {}),
        detail: detail(`compatibility=${String(data.compatibility)}`),
      };
    }
    case 'subscription': {
      const data = record.data as SubscriptionRecordData;
      if ('deleted' in data) return { ...base, kind: 'subscription-deleted', subscription: data.id };
      return {
        ...base,
        kind: existed ? 'subscription-changed' : 'subscription-created',
        subscription: data.id,
        subscriber: data.agency,
        type: data.types.join(','),
        detail: detail(`status=${data.status} delivery=${data.delivery.mode}`),
      };
    }
  }
}

/** Whether the agency or subscription a record is about exists in `state` (read before applying). */
export function registryEntityExists(
  state: { agencies: { get(id: string): unknown }; subscriptions: { get(id: string): unknown } },
  record: RegistryRecord,
): boolean {
  if (record.kind === 'agency') return state.agencies.get(record.id) !== undefined;
  if (record.kind === 'subscription') return state.subscriptions.get(record.id) !== undefined;
  return true;
}
