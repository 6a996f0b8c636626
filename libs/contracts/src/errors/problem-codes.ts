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
  'unsafe-integer': {
    status: 400,
    en: 'The request body holds an integer outside the safe range ±(2^53−1); declare such a field as a string',
    vi: 'Số nguyên vượt quá phạm vi an toàn ±(2^53−1); hãy khai báo trường này là chuỗi',
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
  'headers-too-large': {
    status: 431,
    en: 'The request headers exceed the size limit',
    vi: 'Phần tiêu đề của yêu cầu vượt quá kích thước cho phép',
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
  'invalid-type-name': {
    status: 400,
    en: 'Invalid message type name',
    vi: 'Tên loại thông điệp không hợp lệ',
  },
  'unknown-schema-version': {
    status: 404,
    en: 'Unknown schema version',
    vi: 'Phiên bản lược đồ không tồn tại',
  },
  'schema-version-disabled': {
    status: 422,
    en: 'This schema version is disabled; publish with an enabled version',
    vi: 'Phiên bản lược đồ này đã bị vô hiệu hoá; hãy dùng phiên bản đang hoạt động',
  },
  'invalid-schema-registration': {
    status: 422,
    en: 'The schema registration request is invalid',
    vi: 'Yêu cầu đăng ký lược đồ không hợp lệ',
  },
  'invalid-registry-request': {
    status: 422,
    en: 'The registry request is invalid',
    vi: 'Yêu cầu gửi tới sổ đăng ký không hợp lệ',
  },
  'schema-example-invalid': {
    status: 422,
    en: 'An example payload does not validate against the schema',
    vi: 'Một ví dụ không hợp lệ theo lược đồ',
  },
  'disclosures-unavailable': {
    status: 503,
    en: 'The disclosure log is not available yet on this gateway; retry later',
    vi: 'Nhật ký cung cấp dữ liệu cá nhân chưa sẵn sàng trên cổng này; vui lòng thử lại sau',
  },
  'registry-unavailable': {
    status: 503,
    en: 'The registry is temporarily unavailable; retry later',
    vi: 'Sổ đăng ký tạm thời không sẵn sàng; vui lòng thử lại sau',
  },
  forbidden: {
    status: 403,
    en: 'You are not allowed to do this',
    vi: 'Bạn không có quyền thực hiện thao tác này',
  },
  'gateway-owned-header': {
    status: 400,
    en: 'The request sets a header that only the gateway may set',
    vi: 'Yêu cầu đặt một tiêu đề mà chỉ cổng được phép đặt',
  },
  'idempotency-key-reused': {
    status: 422,
    en: 'This Idempotency-Key was already used with a different request',
    vi: 'Idempotency-Key này đã được dùng cho một yêu cầu khác',
  },
  'idempotency-request-in-flight': {
    status: 409,
    en: 'A request with this Idempotency-Key is still being processed',
    vi: 'Một yêu cầu với Idempotency-Key này vẫn đang được xử lý',
  },
  'idempotency-store-unavailable': {
    status: 503,
    en: 'The idempotency store is temporarily unavailable; retry later',
    vi: 'Kho idempotency tạm thời không sẵn sàng; vui lòng thử lại sau',
  },
  'batch-too-large': {
    status: 413,
    en: 'The batch holds more records than allowed',
    vi: 'Lô chứa nhiều bản ghi hơn mức cho phép',
  },
  'agency-exists': {
    status: 409,
    en: 'An agency with this code already exists',
    vi: 'Cơ quan với mã này đã tồn tại',
  },
  'unknown-agency': {
    status: 404,
    en: 'Unknown agency',
    vi: 'Cơ quan không tồn tại',
  },
  'invalid-agency-request': {
    status: 422,
    en: 'The agency request is invalid',
    vi: 'Yêu cầu về cơ quan không hợp lệ',
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
  'schema-invalid': {
    status: 422,
    en: 'The schema is not a valid JSON Schema',
    vi: 'Lược đồ không phải JSON Schema hợp lệ',
  },
  'schema-unsafe-regex': {
    status: 422,
    en: 'The schema uses a regular expression that cannot run in linear time',
    vi: 'Lược đồ dùng biểu thức chính quy không chạy được trong thời gian tuyến tính',
  },
  'schema-remote-ref': {
    status: 422,
    en: 'The schema references a remote or unregistered location',
    vi: 'Lược đồ tham chiếu tới vị trí bên ngoài hoặc chưa được đăng ký',
  },
  'schema-data-ref': {
    status: 422,
    en: 'The schema uses $data references, which are not allowed',
    vi: 'Lược đồ dùng tham chiếu $data, điều này không được phép',
  },
  'schema-too-large': {
    status: 422,
    en: 'The schema exceeds the size limit',
    vi: 'Lược đồ vượt quá kích thước cho phép',
  },
  'schema-too-deep': {
    status: 422,
    en: 'The schema is nested too deeply',
    vi: 'Lược đồ lồng nhau quá sâu',
  },
  'schema-format-not-allowed': {
    status: 422,
    en: 'The schema uses a format that is not on the vetted list',
    vi: 'Lược đồ dùng định dạng (format) không nằm trong danh sách được phép',
  },
  'schema-draft-not-supported': {
    status: 422,
    en: 'Only JSON Schema 2020-12 and draft-07 are supported',
    vi: 'Chỉ hỗ trợ JSON Schema 2020-12 và draft-07',
  },
  'schema-incompatible': {
    status: 409,
    en: 'The schema is not compatible with earlier versions under the compatibility level of its type',
    vi: 'Lược đồ không tương thích với các phiên bản trước theo mức tương thích của loại thông điệp',
  },
  'invalid-subscription-request': {
    status: 422,
    en: 'The subscription request is invalid',
    vi: 'Yêu cầu đăng ký nhận dữ liệu không hợp lệ',
  },
  'unknown-subscription': {
    status: 404,
    en: 'Unknown subscription',
    vi: 'Đăng ký nhận dữ liệu không tồn tại',
  },
  'personal-data-not-granted': {
    status: 403,
    en: 'The subscription reaches personal data the agency is not granted',
    vi: 'Đăng ký chạm tới dữ liệu cá nhân mà cơ quan chưa được cấp quyền',
  },
  'disclosure-basis-required': {
    status: 422,
    en: 'A subscription that receives personal data must state its purpose and legal basis',
    vi: 'Đăng ký nhận dữ liệu cá nhân phải nêu rõ mục đích và căn cứ pháp lý',
  },
  'webhook-url-refused': {
    status: 422,
    en: 'The webhook URL is not allowed; use https to a public address',
    vi: 'URL webhook không được phép; hãy dùng https tới một địa chỉ công khai',
  },
  'rate-limited': {
    status: 429,
    en: 'Too many requests from your agency; retry after the time given',
    vi: 'Cơ quan của bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau khoảng thời gian đã nêu',
  },
  'invalid-rate-limits': {
    status: 422,
    en: 'The rate limits are invalid',
    vi: 'Giới hạn tần suất truy cập không hợp lệ',
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
