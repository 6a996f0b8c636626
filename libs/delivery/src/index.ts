export type {
  CloudEventAttribute,
  DeliveryTarget,
  DisclosurePurpose,
  Subscription,
  SubscriptionFilter,
  SubscriptionRecordData,
} from './subscription.js';
export {
  AUDIT_TOPIC,
  CLOUD_EVENT_ATTRIBUTES,
  DEAD_LETTER_TOPIC,
  INBOX_TOPIC_PREFIX,
  RETRY_TOPIC_PREFIX,
  inboxTopic,
} from './subscription.js';
// Subscriptions: filter, projection, request validation, webhook destination guard.
export type { FilterPointer, FilterableEvent } from './subscription-filter.js';
export {
  FILTER_LIMITS,
  isPayloadPointer,
  matchesFilter,
  parseSubscriptionFilter,
} from './subscription-filter.js';
export type { ProjectionOptions } from './projection.js';
export { pointerTokens, pointersRevealing, projectPayload } from './projection.js';
export type {
  SubscribableSchema,
  SubscriptionRequest,
  SubscriptionValidationContext,
} from './subscription-validation.js';
export {
  SUBSCRIPTION_LIMITS,
  assertDisclosureBasis,
  schemaCanHold,
  validateSubscriptionRequest,
  webhookUrlRefused,
} from './subscription-validation.js';
export type { DisclosureFacts } from './disclosure-facts.js';
export {
  decodeDisclosureFacts,
  deliveredPersonalFields,
  disclosureFacts,
  encodeDisclosureFacts,
} from './disclosure-facts.js';
export {
  LEGAL_BASIS_PATTERN,
  MAX_LEGAL_BASIS_LENGTH,
  MAX_PURPOSE_LENGTH,
  isLegalBasis,
  parseDisclosureBasis,
} from './disclosure-basis.js';
export type { WebhookRefusal, WebhookTargetPolicy } from './ssrf-guard.js';
export {
  MAX_WEBHOOK_URL_LENGTH,
  WebhookTargetError,
  checkWebhookAddress,
  checkWebhookUrl,
  classifyAddress,
  guardedLookup,
  isAllowedAddress,
  resolveWebhookTarget,
} from './ssrf-guard.js';
// Delivery signatures (router). The audit chain lives in @lienthong/audit.
export type { VerifyWebhookEd25519Options, WebhookSignatureInput } from './webhook-signature.js';
export {
  WEBHOOK_HEADERS,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhookEd25519,
  verifyWebhookHmac,
  webhookSecretKey,
  webhookSignatures,
  webhookSignedContent,
} from './webhook-signature.js';
export type { DeliverySignatureClaims, DeliverySigningKey, VerifiedDelivery } from './delivery-signature.js';
export { DELIVERY_SIGNATURE_TYP, signDelivery, verifyDeliverySignature } from './delivery-signature.js';
export type { RedriveCommand, ReplayCommand, RouterCommand } from './router-command.js';
export {
  ROUTER_COMMAND_FORMAT,
  ROUTER_COMMAND_TOPIC,
  parseRouterCommand,
  routerCommandMessage,
} from './router-command.js';
// Record keys that are personal data: keyed pseudonyms per subscription.
export {
  PSEUDONYM_SECRET_BYTES,
  fallbackPseudonymSecret,
  keyIsPersonalData,
  keyPseudonym,
  newPseudonymSecret,
} from './key-pseudonym.js';
export type { PersonalDataOfType, PersonalFilterCondition } from './filter-disclosure.js';
export { personalDataInFilter } from './filter-disclosure.js';
