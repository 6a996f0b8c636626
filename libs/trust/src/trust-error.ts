import type { LienthongErrorOptions, ProblemCode } from '@lienthong/contracts';
import { LienthongError } from '@lienthong/contracts';

/**
 * Every reason a trust check can refuse, as a closed list: these are the values of the
 * `reason` metric label, so the set stays bounded and a new reason is a code change.
 */
export const TRUST_REASONS = [
  // shape of the input
  'missing',
  'too-large',
  'malformed',
  // JOSE header
  'alg-not-allowed',
  'alg-key-mismatch',
  'header-not-allowed',
  'crit-unsupported',
  'typ-invalid',
  'kid-missing',
  'kid-invalid',
  'kid-unknown',
  'key-revoked',
  // signature
  'signature-invalid',
  // claims
  'claim-invalid',
  'iss-missing',
  'iss-mismatch',
  'iss-sub-mismatch',
  'aud-mismatch',
  'aud-multi-valued',
  'exp-missing',
  'token-expired',
  'lifetime-too-long',
  'iat-missing',
  'iat-too-old',
  'iat-in-future',
  'not-yet-valid',
  'jti-missing',
  'jti-replayed',
  'replay-cache-full',
  // the agency behind a credential
  'agency-unknown',
  'agency-suspended',
  // publisher signatures and receipts
  'type-mismatch',
  'body-mismatch',
  'message-id-unknown',
  // key sets
  'jwks-invalid',
  'jwk-invalid',
  'jwk-symmetric',
  'jwk-private',
  'jwk-rsa-too-weak',
  'jwk-rsa-too-large',
  'jwk-curve-unsupported',
  'jwk-kty-unsupported',
  'jwk-alg-mismatch',
  'jwk-use-invalid',
  'kid-duplicate',
] as const;

export type TrustReason = (typeof TRUST_REASONS)[number];

/** What was being checked; the second bounded metric label and the key to the HTTP mapping. */
export const TRUST_CONTEXTS = [
  'client-assertion',
  'access-token',
  'publisher-signature',
  'receipt',
  'agency-keys',
] as const;

export type TrustContext = (typeof TRUST_CONTEXTS)[number];

/**
 * OAuth error codes: RFC 6749 section 5.2 (token endpoint) and RFC 6750 section 3.1 (bearer
 * token use). `temporarily_unavailable` comes from RFC 6749 section 4.1.2.1 and is what token
 * endpoints commonly answer when they shed load.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope';

/** Safe, bilingual explanation of each reason: it names the rule broken, never a secret. */
export const TRUST_REASON_DETAILS: Readonly<Record<TrustReason, { en: string; vi: string }>> = {
  missing: { en: 'No token or signature was sent.', vi: 'Không có mã hoặc chữ ký nào được gửi.' },
  'too-large': { en: 'The token is too large.', vi: 'Mã có kích thước quá lớn.' },
  malformed: {
    en: 'The token is not a well-formed JWS in compact serialization.',
    vi: 'Mã không phải JWS dạng rút gọn hợp lệ.',
  },
  'alg-not-allowed': { en: 'The signing algorithm is not allowed.', vi: 'Thuật toán ký không được phép.' },
  'alg-key-mismatch': {
    en: 'The signing algorithm does not match the registered key.',
    vi: 'Thuật toán ký không khớp với khoá đã đăng ký.',
  },
  'header-not-allowed': {
    en: 'The JWS header carries a parameter that is not allowed (jku, x5u, jwk, x5c, or b64 without crit).',
    vi: 'Tiêu đề JWS chứa tham số không được phép (jku, x5u, jwk, x5c, hoặc b64 khi không có crit).',
  },
  'crit-unsupported': {
    en: 'The JWS header marks an extension as critical that is not supported.',
    vi: 'Tiêu đề JWS yêu cầu bắt buộc một phần mở rộng không được hỗ trợ.',
  },
  'typ-invalid': { en: 'The token type (typ) is not the expected one.', vi: 'Kiểu mã (typ) không đúng.' },
  'kid-missing': {
    en: 'The JWS header has no key id (kid).',
    vi: 'Tiêu đề JWS thiếu mã định danh khoá (kid).',
  },
  'kid-invalid': { en: 'The key id (kid) is not well-formed.', vi: 'Mã định danh khoá (kid) không hợp lệ.' },
  'kid-unknown': {
    en: 'No registered key has this key id (kid).',
    vi: 'Không có khoá đã đăng ký nào mang mã định danh (kid) này.',
  },
  'key-revoked': { en: 'The signing key has been revoked.', vi: 'Khoá ký đã bị thu hồi.' },
  'signature-invalid': { en: 'The signature does not verify.', vi: 'Chữ ký không hợp lệ.' },
  'claim-invalid': {
    en: 'A claim has the wrong type or format.',
    vi: 'Một trường thông tin (claim) có kiểu hoặc định dạng không đúng.',
  },
  'iss-missing': { en: 'The issuer (iss) is missing.', vi: 'Thiếu bên phát hành (iss).' },
  'iss-mismatch': { en: 'The issuer (iss) is not the expected one.', vi: 'Bên phát hành (iss) không đúng.' },
  'iss-sub-mismatch': {
    en: 'The issuer (iss) and the subject (sub) must both be the agency id.',
    vi: 'Bên phát hành (iss) và chủ thể (sub) phải cùng là mã cơ quan.',
  },
  'aud-mismatch': {
    en: 'The audience (aud) is not this gateway.',
    vi: 'Đối tượng nhận (aud) không phải cổng này.',
  },
  'aud-multi-valued': {
    en: 'The audience (aud) must name this gateway and nothing else.',
    vi: 'Đối tượng nhận (aud) chỉ được chứa duy nhất cổng này.',
  },
  'exp-missing': { en: 'The expiry time (exp) is missing.', vi: 'Thiếu thời điểm hết hạn (exp).' },
  'token-expired': { en: 'The token has expired.', vi: 'Mã đã hết hạn.' },
  'lifetime-too-long': {
    en: 'The token is valid for longer than allowed.',
    vi: 'Thời hạn hiệu lực của mã dài hơn mức cho phép.',
  },
  'iat-missing': { en: 'The issue time (iat) is missing.', vi: 'Thiếu thời điểm phát hành (iat).' },
  'iat-too-old': {
    en: 'The issue time (iat) is too far in the past.',
    vi: 'Thời điểm phát hành (iat) quá cũ.',
  },
  'iat-in-future': {
    en: 'The issue time (iat) is in the future.',
    vi: 'Thời điểm phát hành (iat) nằm ở tương lai.',
  },
  'not-yet-valid': {
    en: 'The token is not valid yet (nbf).',
    vi: 'Mã chưa đến thời điểm có hiệu lực (nbf).',
  },
  'jti-missing': { en: 'The token id (jti) is missing.', vi: 'Thiếu mã định danh của mã (jti).' },
  'jti-replayed': {
    en: 'The token id (jti) has already been used.',
    vi: 'Mã định danh (jti) đã được sử dụng trước đó.',
  },
  'replay-cache-full': {
    en: 'Too many client assertions at once; retry shortly.',
    vi: 'Có quá nhiều yêu cầu xác thực cùng lúc; vui lòng thử lại sau giây lát.',
  },
  'agency-unknown': {
    en: 'No agency is registered under this id.',
    vi: 'Không có cơ quan nào được đăng ký với mã này.',
  },
  'agency-suspended': { en: 'The agency is suspended.', vi: 'Cơ quan đang bị tạm ngừng.' },
  'type-mismatch': {
    en: 'The signature is bound to another message type.',
    vi: 'Chữ ký gắn với một loại thông điệp khác.',
  },
  'body-mismatch': {
    en: 'The body does not match the signed digest.',
    vi: 'Nội dung không khớp với giá trị băm đã ký.',
  },
  'message-id-unknown': {
    en: 'The receipt does not cover this message id.',
    vi: 'Biên nhận không bao gồm mã thông điệp này.',
  },
  'jwks-invalid': { en: 'The key set is not a valid JWK Set.', vi: 'Bộ khoá không phải JWK Set hợp lệ.' },
  'jwk-invalid': { en: 'A key is not a valid public JWK.', vi: 'Một khoá không phải JWK công khai hợp lệ.' },
  'jwk-symmetric': { en: 'Symmetric keys are not accepted.', vi: 'Không chấp nhận khoá đối xứng.' },
  'jwk-private': {
    en: 'A private key was sent; register the public key only.',
    vi: 'Đã gửi khoá bí mật; chỉ đăng ký khoá công khai.',
  },
  'jwk-rsa-too-weak': {
    en: 'RSA keys need a modulus of at least 2048 bits.',
    vi: 'Khoá RSA phải có độ dài modulus tối thiểu 2048 bit.',
  },
  'jwk-rsa-too-large': {
    en: 'RSA keys longer than 8192 bits are not accepted.',
    vi: 'Không chấp nhận khoá RSA dài hơn 8192 bit.',
  },
  'jwk-curve-unsupported': {
    en: 'Only the P-256 (ES256) and Ed25519 (EdDSA) curves are accepted.',
    vi: 'Chỉ chấp nhận đường cong P-256 (ES256) và Ed25519 (EdDSA).',
  },
  'jwk-kty-unsupported': {
    en: 'Unsupported key type; use EC, OKP or RSA.',
    vi: 'Loại khoá không được hỗ trợ; hãy dùng EC, OKP hoặc RSA.',
  },
  'jwk-alg-mismatch': {
    en: 'The key algorithm (alg) does not fit the key type or is not allowed.',
    vi: 'Thuật toán của khoá (alg) không phù hợp với loại khoá hoặc không được phép.',
  },
  'jwk-use-invalid': {
    en: 'The key must be meant for signature verification (use "sig").',
    vi: 'Khoá phải dùng cho việc kiểm tra chữ ký (use "sig").',
  },
  'kid-duplicate': {
    en: 'Two keys share the same key id (kid).',
    vi: 'Hai khoá có cùng mã định danh (kid).',
  },
};

/**
 * A refused credential, signature or key. It is a `LienthongError` (so the app's one mapper
 * renders it as problem+json), and additionally carries the metric labels `context` and
 * `reason`, and the OAuth `error` value the token endpoint (RFC 6749 section 5.2) or a
 * bearer-protected route (RFC 6750 section 3.1) answers with.
 */
export class TrustError extends LienthongError {
  readonly oauthError: OAuthErrorCode | undefined;

  constructor(
    readonly context: TrustContext,
    readonly reason: TrustReason,
    options: Omit<LienthongErrorOptions, 'detail' | 'detailVi'> = {},
  ) {
    const { code, oauthError } = classify(context, reason);
    const text = TRUST_REASON_DETAILS[reason];
    super(code, { ...options, detail: text.en, detailVi: text.vi });
    this.oauthError = oauthError;
  }
}

function classify(
  context: TrustContext,
  reason: TrustReason,
): { code: ProblemCode; oauthError: OAuthErrorCode | undefined } {
  switch (context) {
    case 'client-assertion':
      // RFC 7523 section 3.2: a client assertion that does not validate is `invalid_client`.
      if (reason === 'missing') return { code: 'bad-request', oauthError: 'invalid_request' };
      if (reason === 'agency-suspended')
        return { code: 'unauthorized-client', oauthError: 'unauthorized_client' };
      if (reason === 'replay-cache-full')
        return { code: 'replay-cache-full', oauthError: 'temporarily_unavailable' };
      return { code: 'invalid-client', oauthError: 'invalid_client' };
    case 'access-token':
      // RFC 6750 section 3.1: a request without any credential gets no error code at all.
      return { code: 'invalid-token', oauthError: reason === 'missing' ? undefined : 'invalid_token' };
    case 'publisher-signature':
      return { code: 'invalid-publisher-signature', oauthError: undefined };
    case 'receipt':
      return { code: 'invalid-receipt', oauthError: undefined };
    case 'agency-keys':
      return { code: 'invalid-agency-key', oauthError: undefined };
  }
}
