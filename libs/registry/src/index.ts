export { RegistryLog, RegistryUnavailableError, registryTopicSpec } from './registry-log.js';
export type { ApplyOutcome, RegistryStateMachine } from './registry-log.js';
export { REGISTRY_RECORD_FORMAT, REGISTRY_TOPIC, registryKey } from './registry-record.js';
export type { RegistryKind, RegistryRecord } from './registry-record.js';
export { RegistryState } from './registry-state.js';
export type { SchemaRegistration } from './registry-state.js';
export { SchemaRegistry } from './schema-registry.js';
export type { SchemaRegistrationInput, SchemaRegistryDeps } from './schema-registry.js';
export { VERSION_STATES, canonicalJson, schemaFingerprint } from './schema-subjects.js';
export type {
  CompatibilityCheck,
  SchemaVersion,
  SchemaVersionCommand,
  SchemaVersionMetadata,
  VersionState,
} from './schema-subjects.js';
export { SchemaValidators, safeCompile } from './schema-validators.js';
export type { UntrustedCompile } from './schema-validators.js';
// The compatibility vocabulary the registry speaks, re-exported for its callers.
export { COMPATIBILITY_LEVELS, isCompatibilityLevel } from '@lienthong/schema';
export type { CompatibilityLevel, CompatibilityReason, CompatibilityResult } from '@lienthong/schema';
export { AGENCY_ROLES, AgencyDirectory, GRANT_RIGHTS, grantId } from './agency-directory.js';
export type {
  AgencyData,
  AgencyKeyData,
  AgencyRole,
  AgencyStatus,
  AgencyView,
  GrantData,
  GrantRight,
} from './agency-directory.js';
export { SubscriptionDirectory } from './subscription-directory.js';
export type { RegisteredSubscription } from './subscription-directory.js';
export { AgencyRateLimitDirectory, RATE_LIMITED_ROUTES } from './agency-rate-limits.js';
export type { AgencyRateLimitsData, RateLimitOverride, RateLimitedRoute } from './agency-rate-limits.js';
