import { Inject, Injectable } from '@nestjs/common';
import { LienthongError, subjectHash } from '@lienthong/contracts';
import { RegistryState } from '@lienthong/registry';
import { GatewayKeyring, signDisclosureAnswer } from '@lienthong/trust';
import type { Principal } from '../common/principal.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { DisclosureEntry } from './disclosure-index.js';
import { DisclosureLog } from './disclosure-log.service.js';
import type { DisclosureLookupAudit, DisclosureLookupFacts } from './disclosure-lookup-audit.js';
import { DISCLOSURE_LOOKUP_AUDIT } from './disclosure-lookup-audit.js';
import type { DisclosureLookupQuery } from './disclosures.dto.js';
import { encodeCursor } from './disclosures.dto.js';

/** The signed answer body (docs/disclosures.md "The answer"). */
export interface DisclosureAnswer {
  format: 'lienthong.disclosures-answer/1';
  subjectId: string;
  issuer: string;
  issuedAt: string;
  requestedBy: string;
  scope: { owner: string } | { all: true };
  since?: string;
  until?: string;
  disclosures: DisclosureEntry[];
  nextCursor?: string;
}

/**
 * Answers "who received data about this person?": operators see every disclosure, a
 * data-subject officer those of the types its agency owns. Each answer is signed (a detached
 * JWS over the exact body bytes) and each lookup audited before it is answered.
 */
@Injectable()
export class DisclosuresService {
  constructor(
    private readonly log: DisclosureLog,
    private readonly state: RegistryState,
    private readonly keyring: GatewayKeyring,
    @Inject(DISCLOSURE_LOOKUP_AUDIT) private readonly audit: DisclosureLookupAudit,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async lookup(
    subjectId: string,
    query: DisclosureLookupQuery,
    caller: Principal,
    requestId: string,
  ): Promise<{ body: Buffer; signature: string }> {
    const secret = this.config.disclosureSubjectSecret;
    if (secret === undefined || !this.log.isReady()) {
      throw new LienthongError('disclosures-unavailable', {
        detail:
          secret === undefined
            ? 'This gateway has no DISCLOSURE_SUBJECT_SECRET: it keeps no disclosure index.'
            : 'The disclosure index is still being rebuilt from lienthong.disclosures.',
        detailVi:
          secret === undefined
            ? 'Cổng này chưa được cấu hình DISCLOSURE_SUBJECT_SECRET nên không lưu chỉ mục cung cấp dữ liệu.'
            : 'Chỉ mục cung cấp dữ liệu đang được dựng lại từ lienthong.disclosures.',
        retryAfterSeconds: 5,
      });
    }
    const operator = caller.roles.includes('operator');
    const owner = operator ? undefined : caller.agencyId;
    if (owner !== undefined && !this.state.types().some((t) => this.ownerOf(t) === owner)) {
      throw new LienthongError('forbidden', {
        detail:
          'Your agency owns no message type: a data-subject officer sees the disclosures of its own types.',
        detailVi:
          'Cơ quan của bạn không sở hữu loại thông điệp nào: cán bộ phụ trách chủ thể dữ liệu chỉ xem được việc cung cấp dữ liệu của các loại do cơ quan mình sở hữu.',
      });
    }
    const hash = subjectHash(secret, subjectId);
    const found = this.log.index.query(hash, {
      ...(query.since !== undefined && { since: Date.parse(query.since) }),
      ...(query.until !== undefined && { until: Date.parse(query.until) }),
      ...(query.cursor !== undefined && { before: query.cursor }),
      limit: query.limit,
      ...(owner !== undefined && { typeVisible: (type: string) => this.ownerOf(type) === owner }),
    });
    const now = Date.now();
    const answer: DisclosureAnswer = {
      format: 'lienthong.disclosures-answer/1',
      subjectId,
      issuer: this.config.issuer,
      issuedAt: new Date(now).toISOString(),
      requestedBy: caller.agencyId,
      scope: owner === undefined ? { all: true } : { owner },
      ...(query.since !== undefined && { since: query.since }),
      ...(query.until !== undefined && { until: query.until }),
      disclosures: found.entries,
      ...(found.more && found.last && { nextCursor: encodeCursor(found.last) }),
    };
    await this.auditLookup({
      requester: caller.agencyId,
      role: operator ? 'operator' : 'data-subject-officer',
      subjectHash: hash,
      ...(owner !== undefined && { scopeOwner: owner }),
      ...(query.since !== undefined && { since: query.since }),
      ...(query.until !== undefined && { until: query.until }),
      limit: query.limit,
      returned: found.entries.length,
      requestId,
      at: answer.issuedAt,
    });
    const body = Buffer.from(JSON.stringify(answer), 'utf8');
    return { body, signature: await signDisclosureAnswer(body, this.keyring, this.config.issuer, now) };
  }

  /** Every lookup is audited before it is answered (a lookup is itself processing of personal data). */
  private auditLookup(facts: DisclosureLookupFacts): Promise<void> {
    return this.audit.record(facts);
  }

  private ownerOf(type: string): string | undefined {
    return this.state.latest(type)?.metadata.owner;
  }
}
