import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, isAgencyCode, isMessageType } from '@lienthong/contracts';
import type { AgencyRole, GrantRight } from '@lienthong/registry';
import { AGENCY_ROLES, GRANT_RIGHTS } from '@lienthong/registry';
import { parseStrictJson } from '@lienthong/schema';

export interface CreateAgencyRequest {
  id: string;
  name: string;
  roles: AgencyRole[];
  jwks?: unknown;
  grants: Partial<Record<GrantRight, string[]>>;
}

function invalid(errors: ProblemPointer[]): LienthongError {
  return new LienthongError('invalid-agency-request', {
    detail: 'The request body does not describe a valid agency.',
    detailVi: 'Nội dung yêu cầu không mô tả một cơ quan hợp lệ.',
    errors,
  });
}

function object(body: Buffer | undefined): Record<string, unknown> {
  if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
  const value = parseStrictJson(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid([{ pointer: '', message: 'must be an object', messageVi: 'phải là một đối tượng' }]);
  }
  return value as Record<string, unknown>;
}

function onlyMembers(value: Record<string, unknown>, allowed: string[], errors: ProblemPointer[]): void {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      errors.push({ pointer: `/${name}`, message: 'unknown member', messageVi: 'thành phần không xác định' });
    }
  }
}

/** `POST /v1/agencies` body. */
export function parseCreateAgency(body: Buffer | undefined): CreateAgencyRequest {
  const value = object(body);
  const errors: ProblemPointer[] = [];
  onlyMembers(value, ['id', 'name', 'roles', 'jwks', 'grants'], errors);
  const { id, name, roles, jwks, grants } = value;
  if (typeof id !== 'string' || !isAgencyCode(id)) {
    errors.push({
      pointer: '/id',
      message: 'must be an agency code (Decision 20/2020), e.g. 000.00.00.G12',
      messageVi: 'phải là mã cơ quan (Quyết định 20/2020), ví dụ 000.00.00.G12',
    });
  }
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
    errors.push({
      pointer: '/name',
      message: 'must be 1..200 characters',
      messageVi: 'phải có 1..200 ký tự',
    });
  }
  const parsedRoles = parseRoles(roles, '/roles', errors);
  const parsedGrants = parseGrants(grants ?? {}, '/grants', errors);
  if (errors.length > 0) throw invalid(errors);
  const request: CreateAgencyRequest = {
    id: id as string,
    name: (name as string).trim(),
    roles: parsedRoles,
    grants: parsedGrants,
  };
  if (jwks !== undefined) request.jwks = jwks;
  return request;
}

/** `POST /v1/agencies/{id}/keys` body: `{ "jwks": { "keys": [...] } }`. */
export function parseAddKeys(body: Buffer | undefined): unknown {
  const value = object(body);
  const errors: ProblemPointer[] = [];
  onlyMembers(value, ['jwks'], errors);
  if (value['jwks'] === undefined)
    errors.push({ pointer: '/jwks', message: 'is required', messageVi: 'là bắt buộc' });
  if (errors.length > 0) throw invalid(errors);
  return value['jwks'];
}

export function parseGrantRight(right: string, type: string): GrantRight {
  if (!(GRANT_RIGHTS as readonly string[]).includes(right)) {
    throw invalid([
      {
        pointer: '',
        message: `right must be one of ${GRANT_RIGHTS.join(', ')}`,
        messageVi: `quyền phải là một trong ${GRANT_RIGHTS.join(', ')}`,
      },
    ]);
  }
  if (!isMessageType(type)) throw new LienthongError('invalid-type-name');
  return right as GrantRight;
}

function parseRoles(value: unknown, pointer: string, errors: ProblemPointer[]): AgencyRole[] {
  if (!Array.isArray(value) || !value.every((r) => (AGENCY_ROLES as readonly unknown[]).includes(r))) {
    errors.push({
      pointer,
      message: `must list roles among ${AGENCY_ROLES.join(', ')}`,
      messageVi: `phải liệt kê vai trò trong ${AGENCY_ROLES.join(', ')}`,
    });
    return [];
  }
  return [...new Set(value as AgencyRole[])];
}

function parseGrants(
  value: unknown,
  pointer: string,
  errors: ProblemPointer[],
): Partial<Record<GrantRight, string[]>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ pointer, message: 'must be an object', messageVi: 'phải là một đối tượng' });
    return {};
  }
  const out: Partial<Record<GrantRight, string[]>> = {};
  for (const [right, types] of Object.entries(value)) {
    if (!(GRANT_RIGHTS as readonly string[]).includes(right)) {
      errors.push({
        pointer: `${pointer}/${right}`,
        message: 'unknown right',
        messageVi: 'quyền không xác định',
      });
    } else if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && isMessageType(t))) {
      errors.push({
        pointer: `${pointer}/${right}`,
        message: 'must list message types',
        messageVi: 'phải liệt kê loại thông điệp',
      });
    } else {
      out[right as GrantRight] = [...new Set(types as string[])];
    }
  }
  return out;
}
