import { Inject, Injectable } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import { GatewayAudit } from '../audit/gateway-audit.service.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';

/** What a disclosure lookup leaves in the audit trail: metadata only, the subject as its keyed hash. */
export interface DisclosureLookupFacts {
  /** The agency that asked. */
  requester: string;
  /** The role it asked as. */
  role: 'operator' | 'data-subject-officer';
  /** base64url HMAC-SHA-256 of the subject id (never the id). */
  subjectHash: string;
  /** The owner agency the answer was limited to (a data-subject officer's own). */
  scopeOwner?: string;
  since?: string;
  until?: string;
  limit: number;
  returned: number;
  requestId: string;
  at: string;
}

/** Where each lookup is audited: the signed audit trail ({@link AuditedDisclosureLookup}). */
export interface DisclosureLookupAudit {
  record(facts: DisclosureLookupFacts): Promise<void>;
}

export const DISCLOSURE_LOOKUP_AUDIT = Symbol('DISCLOSURE_LOOKUP_AUDIT');

/** How long a lookup waits for its audit event to be acknowledged before it is refused. */
const AUDIT_ACK_TIMEOUT_MS = 5_000;

/** The `detail` of a `disclosure-lookup` audit event: bounded, the subject as its keyed hash only. */
export function disclosureLookupDetail(facts: DisclosureLookupFacts): string {
  return [
    `subject=${facts.subjectHash}`,
    `role=${facts.role}`,
    ...(facts.scopeOwner !== undefined ? [`owner=${facts.scopeOwner}`] : []),
    ...(facts.since !== undefined ? [`since=${facts.since}`] : []),
    ...(facts.until !== undefined ? [`until=${facts.until}`] : []),
    `returned=${facts.returned}`,
  ].join(' ');
}

/**
 * Each lookup as a `disclosure-lookup` event of the gateway's signed audit trail, acknowledged
 * by Kafka before the answer leaves: a lookup is itself processing of personal data, so an
 * answer whose lookup could not be recorded is refused (`503 kafka-unavailable`) rather than
 * given untraced.
 */
@Injectable()
export class AuditedDisclosureLookup implements DisclosureLookupAudit {
  constructor(
    private readonly audit: GatewayAudit,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async record(facts: DisclosureLookupFacts): Promise<void> {
    this.audit.record({
      kind: 'disclosure-lookup',
      messageId: facts.requestId,
      actor: facts.requester,
      at: facts.at,
      detail: disclosureLookupDetail(facts),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), AUDIT_ACK_TIMEOUT_MS);
    });
    try {
      if ((await Promise.race([this.audit.flush().then(() => 'written' as const), timeout])) === 'timeout') {
        throw new LienthongError('kafka-unavailable', { retryAfterSeconds: this.config.retryAfterSeconds });
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
