export type {
  AccessGrants,
  AccessTokenConfig,
  AccessTokenSubject,
  AccessTokenVerifierOptions,
  AccessTokenVerifierStats,
  IssuedAccessToken,
  VerifiedAccessToken,
} from './access-token.js';
export {
  ACCESS_TOKEN_DEFAULT_LIFETIME_SECONDS,
  ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
  ACCESS_TOKEN_TYP,
  AccessTokenIssuer,
  AccessTokenVerifier,
} from './access-token.js';
export type { AgencyKey, AgencyKeyStatus, AgencyPublicJwk } from './agency-jwks.js';
export {
  MAX_AGENCY_KEYS,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  parseAgencyJwks,
  revokedAgencyKey,
} from './agency-jwks.js';
export type {
  AgencyTrust,
  ClientAssertionContext,
  CreateClientAssertionInput,
  VerifiedClientAssertion,
} from './client-assertion.js';
export {
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
  createClientAssertion,
  verifyClientAssertion,
} from './client-assertion.js';
export type { AgencyAlgorithm, GatewayAlgorithm } from './compact-jws.util.js';
export {
  AGENCY_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  GATEWAY_ALGORITHMS,
  KID_PATTERN,
} from './compact-jws.util.js';
export type {
  GatewayJwks,
  GatewayKeyInfo,
  GatewayKeyringOptions,
  GatewayPublicJwk,
  VerificationKey,
  VerificationKeySource,
} from './gateway-keyring.js';
export { GatewayKeyring } from './gateway-keyring.js';
export type { InMemoryJtiStoreOptions, JtiStore } from './jti-store.js';
export { InMemoryJtiStore, JtiStoreFullError } from './jti-store.js';
export { JTI_REDIS_KEY_PREFIX, RedisJtiStore, type RedisJtiStoreOptions } from './redis-jti-store.js';
export type {
  PublisherSignatureOptions,
  SignDetachedOptions,
  VerifiedPublisherSignature,
} from './publisher-signature.js';
export {
  PUBLISHER_SIGNATURE_MAX_AGE_SECONDS,
  SIGNATURE_TYPE_HEADER,
  signDetached,
  verifyPublisherSignature,
} from './publisher-signature.js';
export type {
  BatchReceiptInput,
  ReceiptInput,
  ReceiptRecord,
  VerifiedReceipt,
  VerifyReceiptOptions,
} from './receipt.js';
export { RECEIPT_TYP, ReceiptSigner, sha256Base64url, verifyReceipt } from './receipt.js';
export type { OAuthErrorCode, TrustContext, TrustReason } from './trust-error.js';
export { TRUST_CONTEXTS, TRUST_REASONS, TRUST_REASON_DETAILS, TrustError } from './trust-error.js';
export { CLIENT_ASSERTION_TYPE } from './client-assertion.js';
export { requestAccessToken } from './token-client.js';
export type { AccessTokenResponse } from './token-client.js';
export { signCompactJws } from './compact-jws-sign.js';
export type { VerifiedDisclosureAnswer } from './disclosure-answer.js';
export {
  DISCLOSURE_ANSWER_TYP,
  DISCLOSURE_SIGNATURE_HEADER,
  signDisclosureAnswer,
  verifyDisclosureAnswer,
} from './disclosure-answer.js';
