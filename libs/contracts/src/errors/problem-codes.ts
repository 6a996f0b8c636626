/**
 * The catalogue of stable problem codes. A code never changes meaning once published; clients
 * may branch on it. Titles are user-facing, in English and Vietnamese (chosen by
 * Accept-Language). docs/errors.md lists the same catalogue.
 */
export const PROBLEM_CATALOGUE = {
  'unknown-type': {
    status: 404,
    en: 'Unknown message type',
    vi: 'Loại thông điệp không tồn tại',
  },
  'malformed-json': {
    status: 400,
    en: 'The request body is not well-formed JSON',
    vi: 'Nội dung yêu cầu không phải JSON hợp lệ',
  },
  'forbidden-json-key': {
    status: 400,
    en: 'The request body uses a forbidden property name',
    vi: 'Nội dung yêu cầu chứa tên thuộc tính bị cấm',
  },
  'duplicate-json-key': {
    status: 400,
    en: 'The request body repeats a property name within one object',
    vi: 'Nội dung yêu cầu có tên thuộc tính bị lặp trong cùng một đối tượng',
  },
  'json-too-deep': {
    status: 400,
    en: 'The request body is nested too deeply',
    vi: 'Nội dung yêu cầu lồng nhau quá sâu',
  },
  'empty-body': {
    status: 400,
    en: 'The request body is empty',
    vi: 'Nội dung yêu cầu trống',
  },
  'invalid-header': {
    status: 400,
    en: 'A request header has an invalid value',
    vi: 'Giá trị tiêu đề yêu cầu không hợp lệ',
  },
  'unsupported-media-type': {
    status: 415,
    en: 'Unsupported content type; send application/json in UTF-8',
    vi: 'Kiểu nội dung không được hỗ trợ; hãy gửi application/json mã hoá UTF-8',
  },
  'payload-too-large': {
    status: 413,
    en: 'The request body exceeds the size limit',
    vi: 'Nội dung yêu cầu vượt quá kích thước cho phép',
  },
  'validation-failed': {
    status: 422,
    en: 'The record does not match the schema of its type',
    vi: 'Bản ghi không khớp với lược đồ của loại thông điệp',
  },
  'record-key-missing': {
    status: 422,
    en: 'The record has no usable value at the key pointer of its type',
    vi: 'Bản ghi không có giá trị hợp lệ tại vị trí khoá của loại thông điệp',
  },
  'kafka-unavailable': {
    status: 503,
    en: 'The message log is temporarily unavailable; retry later',
    vi: 'Hệ thống lưu thông điệp tạm thời không sẵn sàng; vui lòng thử lại sau',
  },
  'route-not-found': {
    status: 404,
    en: 'No such resource',
    vi: 'Không tìm thấy tài nguyên',
  },
  'method-not-allowed': {
    status: 405,
    en: 'Method not allowed on this resource',
    vi: 'Phương thức không được phép với tài nguyên này',
  },
  'invalid-client': {
    status: 401,
    en: 'Client authentication failed',
    vi: 'Xác thực cơ quan gọi thất bại',
  },
  'unauthorized-client': {
    status: 403,
    en: 'The agency may not obtain access tokens',
    vi: 'Cơ quan không được phép nhận mã truy cập',
  },
  'replay-cache-full': {
    status: 503,
    en: 'Too many client assertions at once; retry shortly',
    vi: 'Có quá nhiều yêu cầu xác thực cùng lúc; vui lòng thử lại sau giây lát',
  },
  'invalid-token': {
    status: 401,
    en: 'The access token is missing, invalid or expired',
    vi: 'Mã truy cập bị thiếu, không hợp lệ hoặc đã hết hạn',
  },
  'invalid-publisher-signature': {
    status: 400,
    en: 'The publisher signature is missing or does not verify',
    vi: 'Chữ ký của bên công bố bị thiếu hoặc không hợp lệ',
  },
  'invalid-agency-key': {
    status: 422,
    en: 'The agency key set is not acceptable',
    vi: 'Bộ khoá của cơ quan không được chấp nhận',
  },
  'invalid-receipt': {
    status: 422,
    en: 'The receipt does not verify',
    vi: 'Biên nhận không hợp lệ',
  },
  'bad-request': {
    status: 400,
    en: 'Bad request',
    vi: 'Yêu cầu không hợp lệ',
  },
  'internal-error': {
    status: 500,
    en: 'Internal error; quote the correlation id when reporting it',
    vi: 'Lỗi nội bộ; vui lòng cung cấp mã tương quan khi báo lỗi',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string }>;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

export type Language = 'en' | 'vi';

/** Prefix of RFC 9457 `type` URIs; the code follows it. */
export const PROBLEM_TYPE_PREFIX = 'urn:lienthong:problem:';
