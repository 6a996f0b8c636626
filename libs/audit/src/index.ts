// Audit trail: signed, hash-chained events and checkpoints on `lienthong.audit` (docs/audit.md).
export type {
  AuditChainHead,
  AuditCheckpoint,
  AuditEvent,
  AuditEventKind,
  AuditFacts,
} from './audit-event.js';
export {
  AUDIT_CHECKPOINT_KIND,
  AUDIT_EVENT_FORMAT,
  AUDIT_EVENT_KINDS,
  AUDIT_KEY_USE,
  auditSigningInput,
  canonicalJson,
  hashAuditEvent,
} from './audit-event.js';
export type { AuditKeyRefusal, AuditPublicJwk } from './audit-keys.js';
export { AuditKeySet, AuditSigner } from './audit-keys.js';
export { AuditChain } from './audit-chain.js';
export type { AuditTrailWriterOptions } from './audit-trail-writer.js';
export { AuditTrailWriter } from './audit-trail-writer.js';
export type {
  AuditChainRange,
  AuditFinding,
  AuditFindingCode,
  AuditLogEntry,
  AuditVerificationOptions,
  AuditVerificationReport,
} from './audit-verification.js';
export { AUDIT_FINDING_CODES, AUDIT_FINDING_MESSAGES, verifyAuditLog } from './audit-verification.js';
export type { AuditTopicSnapshot, ReadAuditTopicOptions } from './audit-topic-reader.js';
export {
  auditCheckpointsOf,
  parseAuditCheckpoints,
  readAuditTopic,
  verifyAuditTopic,
} from './audit-topic-reader.js';
export { formatAuditReport } from './audit-report-format.js';
export { auditTopicSpec } from './audit-topic.js';
