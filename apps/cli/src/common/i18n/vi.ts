import type { Messages } from './en.js';

/** Thông điệp tiếng Việt; cùng các thành phần với `en.ts`. */
export const vi: Messages = {
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
};
