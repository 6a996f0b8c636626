/**
 * Electronic agency code per Decision 20/2020/QĐ-TTg: dot-separated groups of digits and
 * upper-case letters, at most 35 characters, e.g. `000.00.00.G12`.
 */
export const AGENCY_CODE_PATTERN = /^[0-9A-Z]+(\.[0-9A-Z]+)*$/;
export const AGENCY_CODE_MAX_LENGTH = 35;

/** True when `code` is a well-formed Decision 20/2020 agency code. */
export function isAgencyCode(code: string): boolean {
  return code.length <= AGENCY_CODE_MAX_LENGTH && AGENCY_CODE_PATTERN.test(code);
}
