import type { Messages } from './en.js';

/** Thông điệp tiếng Việt; cùng các thành phần với `en.ts`. */
export const vi: Messages = {
  cli: {
    usage: 'Cách dùng',
    arguments: 'Tham số',
    options: 'Tùy chọn',
    examples: 'Ví dụ',
    actions: 'Thao tác',
    commands: 'Lệnh',
    showHelp: 'hiển thị trợ giúp này',
    mayBeRepeated: '(có thể nêu nhiều lần)',
    orSet: (variable: string) => ` (hoặc đặt biến ${variable})`,
    missingOption: (option: string, value: string, from: string) => `Thiếu --${option} ${value}${from}`,
    givenTwice: (option: string) => `--${option} được nêu nhiều hơn một lần`,
    empty: (option: string) => `--${option} để trống`,
    noArguments: 'không có tham số nào',
    none: 'không có',
    takes: (command: string, wanted: string, got: string) =>
      `Lệnh ${command} cần ${wanted}; nhận được: ${got}`,
    runHelp: (command: string) => `Chạy 'lienthong ${command} --help' để xem cách dùng.`,
    unknownCommand: (name: string) =>
      `Không có lệnh ${JSON.stringify(name)}; chạy 'lienthong --help' để xem danh sách lệnh`,
    unknownAction: (name: string, group: string) =>
      `Lệnh ${group} không có thao tác ${JSON.stringify(name)}; chạy 'lienthong ${group} --help' để xem danh sách`,
    everyActionHelp: (example: string) => `Mọi thao tác đều có --help, ví dụ lienthong ${example} --help.`,
    refused: 'cổng từ chối yêu cầu',
    correlationId: 'mã tương quan',
    retryAfter: 'thử lại sau',
    wholeDocument: '(toàn bộ tài liệu)',
    gatewayNotUrl: (text: string) =>
      `--gateway ${text} không phải là địa chỉ URL; ví dụ http://127.0.0.1:8080`,
    gatewayScheme: (text: string) => `--gateway ${text} phải là địa chỉ http:// hoặc https://`,
    gatewayCredentials: '--gateway không được chứa tên người dùng hay mật khẩu',
    gatewayQuery: '--gateway không được có phần truy vấn (?) hay phân đoạn (#)',
  },
  keygen: {
    badAlg: (alg: string) => `--alg ${alg} không phải là một trong ES256, EdDSA, PS256`,
    exists: (file: string) =>
      `Tệp ${file} đã tồn tại; không ghi đè lên khóa (hãy chuyển tệp đi nơi khác hoặc chọn --out khác)`,
    cannotWrite: (file: string, why: string) => `Không ghi được tệp ${file}: ${why}`,
    wrotePrivate: (file: string) =>
      `Đã ghi khóa bí mật vào ${file} (quyền 0600: chỉ người dùng hiện tại đọc được). Phải giữ bí mật, tuyệt đối không gửi cho ai.`,
    wrotePublic: (file: string) =>
      `Đã ghi bộ khóa công khai (JWK Set) vào ${file}: gửi tệp này cho đơn vị vận hành cổng (lienthong agency create … --jwks ${file}).`,
    kid: (kid: string, alg: string) => `Mã định danh khóa (dấu vân tay RFC 7638): ${kid}, thuật toán ${alg}.`,
  },
  agency: {
    notAgencyCode: (what: string, value: string) =>
      `${what} ${value} không phải là mã cơ quan (Quyết định 20/2020/QĐ-TTg: các nhóm chữ số và chữ in hoa cách nhau bằng dấu chấm, ví dụ 000.00.00.G12)`,
    badRoles: (value: string, allowed: string) =>
      `--roles ${value} phải liệt kê các vai trò, cách nhau bằng dấu phẩy, trong số: ${allowed}`,
    badGrant: (value: string, rights: string) =>
      `--grant ${value} không có dạng QUYỀN:LOẠI, trong đó QUYỀN là một trong ${rights} (ví dụ subscribe:residence.registration)`,
    badRight: (value: string, rights: string) =>
      `${value} không phải là một quyền; hãy dùng một trong ${rights}`,
    badType: (value: string) =>
      `${JSON.stringify(value)} không phải là tên loại thông điệp: các từ viết thường gồm chữ cái, chữ số và dấu gạch nối, cách nhau bằng dấu chấm, ví dụ residence.registration`,
    badKid: (value: string) =>
      `${JSON.stringify(value)} không phải là mã định danh khóa (từ 1 đến 255 ký tự nhìn thấy được)`,
    notJwks: (file: string) => `Tệp ${file} không phải là bộ khóa JWK Set ({"keys": [...]}) hay một khóa JWK`,
    privateJwks: (file: string) =>
      `Tệp ${file} chứa khóa bí mật (thành phần "d"); cổng chỉ đăng ký nửa công khai: hãy dùng tệp .public.jwks.json do lệnh keygen tạo ra`,
    jwksRefused: (file: string, why: string) => `Cổng sẽ từ chối tệp ${file}: ${why}`,
    badAnswer: (what: string) => `Cổng trả về nội dung không phải là ${what}`,
    created: (id: string) => `Đã tạo cơ quan ${id}.`,
    suspended: (id: string) =>
      `Đã tạm dừng cơ quan ${id}: các yêu cầu cấp mã truy cập của cơ quan bị từ chối và các mã truy cập đã cấp hết hiệu lực.`,
    reactivated: (id: string) => `Cơ quan ${id} đã hoạt động trở lại.`,
    keysAdded: (id: string, kids: string) => `Cơ quan ${id} hiện có các khóa ${kids}.`,
    keyRevoked: (id: string, kid: string) =>
      `Đã thu hồi khóa ${kid} của cơ quan ${id}: mọi xác nhận ký bằng khóa này đều bị từ chối.`,
    granted: (id: string, right: string, type: string) =>
      `Đã cấp cho cơ quan ${id} quyền ${right} đối với ${type}.`,
    grantRevoked: (id: string, right: string, type: string) =>
      `Đã thu hồi quyền ${right} đối với ${type} của cơ quan ${id}.`,
    labels: {
      id: 'mã',
      name: 'tên',
      status: 'trạng thái',
      roles: 'vai trò',
      keys: 'khóa',
      grants: 'quyền',
      updated: 'cập nhật',
    },
    status: { active: 'đang hoạt động', suspended: 'tạm dừng', revoked: 'đã thu hồi' },
    none: '(không có)',
    noAgencies: 'Chưa có cơ quan nào.',
    listHeader: ['MÃ', 'TRẠNG THÁI', 'VAI TRÒ', 'TÊN'],
  },
  subscription: {
    badId: (value: string) => `${JSON.stringify(value)} không phải là mã đăng ký nhận dữ liệu`,
    needTypes: 'Cần ít nhất một --type, hoặc toàn bộ yêu cầu trong tệp --file',
    fileAndFlags: (flags: string) => `--file đã chứa toàn bộ yêu cầu; không dùng kèm ${flags}`,
    purposeHalf: 'Cần cả --purpose-vi và --purpose-en (mục đích xử lý phải được nêu bằng cả hai ngôn ngữ)',
    notObject: (file: string) =>
      `Tệp ${file} không phải là yêu cầu đăng ký nhận dữ liệu (một đối tượng JSON)`,
    badWebhook: (url: string) => `--webhook ${url} không phải là địa chỉ https:// (hoặc http://)`,
    badLimit: (value: string) => `--limit ${value} không phải là số nguyên từ 1 đến 1000`,
    badAnswer: (what: string) => `Cổng trả về nội dung không phải là ${what}`,
    created: (id: string) => `Đã tạo đăng ký nhận dữ liệu ${id}.`,
    secretOnce:
      'Hãy lưu khóa bí mật của webhook ngay: cổng chỉ hiển thị khóa này một lần, trong câu trả lời này, và dùng nó để ký mọi lần chuyển dữ liệu.',
    paused: (id: string) => `Đã tạm dừng đăng ký ${id}: dữ liệu sẽ được chuyển khi đăng ký được tiếp tục.`,
    resumed: (id: string) => `Đã tiếp tục đăng ký ${id}.`,
    deleted: (id: string) => `Đã xóa đăng ký ${id}.`,
    updated: (id: string) => `Đã cập nhật đăng ký ${id}.`,
    nothingToEdit:
      'Cần --purpose-vi và --purpose-en, hoặc --legal-basis: ngoài ra không thay đổi được gì khác',
    labels: {
      id: 'mã',
      agency: 'cơ quan',
      types: 'loại dữ liệu',
      delivery: 'hình thức nhận',
      secret: 'khóa bí mật',
      purpose: 'mục đích',
      legalBasis: 'căn cứ pháp lý',
      status: 'trạng thái',
      created: 'ngày tạo',
    },
    status: { active: 'đang hoạt động', paused: 'tạm dừng' },
    noSubscriptions: 'Chưa có đăng ký nhận dữ liệu nào.',
    listHeader: ['MÃ', 'TRẠNG THÁI', 'HÌNH THỨC NHẬN', 'LOẠI DỮ LIỆU'],
    noDeadLetters: (id: string) => `Đăng ký ${id} không có thông điệp lỗi nào (dead letter).`,
    deadLetterHeader: ['THỜI ĐIỂM LỖI', 'THÔNG ĐIỆP', 'LOẠI', 'SỐ LẦN GỬI', 'LÝ DO'],
    truncated: 'Còn thêm thông điệp lỗi: chỉ liệt kê những thông điệp mới nhất (hãy tăng --limit).',
    incomplete:
      'Việc đọc lienthong.dlq dừng lại do hết thời hạn trước khi đến cuối: danh sách có thể chưa đầy đủ.',
  },
  validate: {
    badVersion: (value: string) => `--version ${value} không phải là số nguyên dương`,
    badAnswer: (what: string) => `cổng trả lời một nội dung không phải là ${what}`,
    valid: (type: string, version: number) =>
      `Hợp lệ: bản ghi khớp với lược đồ ${type} phiên bản ${version}.`,
    invalid: (count: number, type: string, version: number, code: string) =>
      `Không hợp lệ (${code}): ${count} lỗi so với lược đồ ${type} phiên bản ${version}.`,
    notValid: 'bản ghi không hợp lệ: cổng sẽ từ chối nếu gửi',
    deprecated: (type: string, version: number) =>
      `Lưu ý: ${type} phiên bản ${version} đã lỗi thời; bản ghi vẫn được chấp nhận, hãy chuẩn bị chuyển sang phiên bản mới.`,
    disabled: (type: string, version: number) =>
      `${type} phiên bản ${version} đã bị vô hiệu hoá: cổng từ chối các bản ghi theo phiên bản này.`,
    allDisabled: (type: string) =>
      `Mọi phiên bản của ${type} đã bị vô hiệu hoá: cổng từ chối các bản ghi của loại này.`,
  },
  compatibility: {
    badLevel: (value: string, levels: string) =>
      `--level ${value} không phải là mức tương thích; hãy dùng một trong ${levels}`,
    notObject: (file: string) => `tệp lược đồ ${file} không phải là một đối tượng JSON`,
    badAnswer: (what: string) => `cổng trả lời một nội dung không phải là ${what}`,
    compatible: (type: string, level: string) =>
      `Tương thích: lược đồ có thể được đăng ký làm phiên bản tiếp theo của ${type} (mức ${level}).`,
    incompatible: (type: string, level: string, count: number) =>
      `Không tương thích với ${type} ở mức ${level}: ${count} lý do.`,
    against: (version: number) => `so với phiên bản ${version}`,
    notCompatible: 'lược đồ không tương thích: cổng sẽ từ chối đăng ký (409 schema-incompatible)',
  },
  command: {
    badTime: (option: string, value: string) =>
      `--${option} ${value} không phải là thời điểm theo RFC 3339 có múi giờ, ví dụ 2026-11-28T08:00:00+07:00`,
    badAnswer: (what: string) => `cổng trả lời một nội dung không phải là ${what}`,
    replayAccepted: (id: string, since: string) =>
      `Đã chấp nhận yêu cầu gửi lại cho đăng ký ${id}: bộ định tuyến gửi lại mọi bản ghi phù hợp được tiếp nhận từ ${since}.`,
    redriveAccepted: (id: string, since: string | undefined) =>
      since === undefined
        ? `Đã chấp nhận yêu cầu chuyển lại cho đăng ký ${id}: bộ định tuyến chuyển lại các thông điệp không chuyển được.`
        : `Đã chấp nhận yêu cầu chuyển lại cho đăng ký ${id}: bộ định tuyến chuyển lại các thông điệp không chuyển được từ ${since}.`,
    labels: { command: 'mã lệnh', requested: 'yêu cầu lúc' },
    noProgress: (commandId: string) =>
      `Cổng chưa có cách theo dõi tiến độ của lệnh; mỗi lần chuyển dữ liệu của lệnh này đều mang tiêu đề lienthong-command: ${commandId}.`,
  },
};
