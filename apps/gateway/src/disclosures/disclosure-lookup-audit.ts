import { Inject, Injectable } from '@nestjs/common';
import { APP_LOG } from '@lienthong/observability';
import type { Logger as PinoLogger } from 'pino';

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

/**
 * Where each lookup is audited. The gateway's signed audit writer (`GatewayAudit.record`) is
 * built elsewhere; it is bound to this token when the two meet. Until then the default below
 * writes one metadata-only log line.
 */
export interface DisclosureLookupAudit {
  record(facts: DisclosureLookupFacts): Promise<void>;
}

export const DISCLOSURE_LOOKUP_AUDIT = Symbol('DISCLOSURE_LOOKUP_AUDIT');

/** The default `DisclosureLookupAudit`: one JSON log line per lookup, without the subject id. */
@Injectable()
export class LoggedDisclosureLookupAudit implements DisclosureLookupAudit {
  private readonly log: PinoLogger;

  constructor(@Inject(APP_LOG) log: PinoLogger) {
    this.log = log.child({ context: 'DisclosureLookupAudit' });
  }

  record(facts: DisclosureLookupFacts): Promise<void> {
    this.log.info({ event: 'disclosure-lookup', ...facts }, 'disclosure lookup');
    return Promise.resolve();
  }
}
