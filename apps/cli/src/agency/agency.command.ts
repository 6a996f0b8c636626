import type { AgencyView } from '@lienthong/registry';
import { callAsAgency } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import type { Command, CommandGroup } from '../common/command.js';
import type { CommandLine, CommandSpec, OptionSpec } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import type { Messages } from '../common/i18n/en.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { formatJson } from '../common/output.js';
import {
  checkAgencyId,
  checkKid,
  checkMessageTypeName,
  checkRight,
  loadPublicJwks,
  parseGrants,
  parseRoles,
} from './agency-arguments.js';
import { formatAgency, formatAgencyList, readAgencyList, readAgencyView } from './agency-view.js';

type AgencyMessages = Messages['agency'];
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What an operator action sends, and the line it prints above the agency. */
interface OperatorRequest {
  method: Method;
  path: string;
  body?: unknown;
  headline?: (view: AgencyView) => string;
}

const JSON_OPTION: OptionSpec = {
  name: 'json',
  type: 'boolean',
  description: "print the gateway's answer as JSON",
};
const OPERATOR_NOTE = 'Needs an operator key (--agency and --key of an agency with the operator role).';
const OPERATOR_NOTE_VI = 'Cần khóa của đơn vị vận hành (--agency và --key của cơ quan có vai trò operator).';

/**
 * An operator command over `/v1/agencies` that answers one agency: the request is built (and
 * every argument checked) before a token is asked for; `--json` prints the answer as it came.
 */
export function operatorAction(
  spec: Omit<CommandSpec, 'options'> & { options?: readonly OptionSpec[] },
  request: (line: CommandLine, ctx: CliContext, m: AgencyMessages) => Promise<OperatorRequest>,
): Command {
  return {
    spec: {
      ...spec,
      description: `${spec.description}\n${OPERATOR_NOTE}`,
      ...(spec.vi ? { vi: { ...spec.vi, description: `${spec.vi.description}\n${OPERATOR_NOTE_VI}` } } : {}),
      options: [...(spec.options ?? []), ...CREDENTIAL_OPTIONS, JSON_OPTION, LANG_OPTION],
    },
    async run(line, ctx) {
      const m = messagesIn(languageOf(line.string('lang'), ctx.env)).agency;
      const call = await request(line, ctx, m);
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const answer = await callAsAgency(line, ctx, call.method, call.path, body);
      if (line.flag('json')) {
        ctx.stdout(formatJson(answer.body));
        return;
      }
      const view = readAgencyView(answer.body, m);
      ctx.stdout(`${call.headline ? `${call.headline(view)}\n` : ''}${formatAgency(view, m)}`);
    },
  };
}

/** `/v1/agencies/{id}…` with the id checked and encoded. */
function agencyPath(line: CommandLine, m: AgencyMessages, suffix = ''): string {
  return `/v1/agencies/${encodeURIComponent(checkAgencyId(line, m, 'ID', line.argument('ID')))}${suffix}`;
}

const ID_ARGUMENT = { name: 'ID', description: 'the agency code, e.g. 000.00.00.G99' };
const GRANT_ARGUMENTS = [
  ID_ARGUMENT,
  { name: 'RIGHT', description: 'publish | subscribe | subscribe-personal-data' },
  { name: 'TYPE', description: 'message type, e.g. residence.registration' },
];

const createAction = operatorAction(
  {
    name: 'agency create',
    vi: {
      summary: 'đăng ký một cơ quan cùng khóa công khai, vai trò và các quyền ban đầu',
      description:
        'POST /v1/agencies. --jwks là bộ khóa công khai cơ quan đã gửi (tệp do keygen tạo); tệp có khóa bí mật bị từ chối trước khi gửi.',
    },
    summary: 'register an agency with its public keys, roles and first grants',
    description: [
      'POST /v1/agencies. --jwks names the public JWK Set the agency handed over (what keygen',
      'wrote); a file with a private key is refused before anything is sent.',
    ].join('\n'),
    arguments: [],
    options: [
      { name: 'id', type: 'string', value: 'ID', description: 'the new agency code, e.g. 000.00.00.G99' },
      { name: 'name', type: 'string', value: 'NAME', description: 'its name, 1 to 200 characters' },
      {
        name: 'roles',
        type: 'string',
        value: 'ROLE,...',
        description: 'publisher, subscriber, integrator, operator, data-subject-officer',
      },
      { name: 'jwks', type: 'string', value: 'FILE', description: "the agency's public JWK Set" },
      {
        name: 'grant',
        type: 'string',
        value: 'RIGHT:TYPE',
        multiple: true,
        description: 'a first grant, e.g. subscribe:residence.registration',
      },
    ],
    examples: [
      'lienthong agency create --id 000.00.00.G99 --name "Sở Tư pháp" --roles subscriber \\',
      '  --jwks 000.00.00.G99.public.jwks.json --grant subscribe:residence.registration',
    ],
  },
  async (line, ctx, m) => {
    const id = checkAgencyId(line, m, '--id', line.require('id'));
    const name = line.require('name');
    const roles = parseRoles(line, m, line.require('roles'));
    const grants = parseGrants(line, m, line.strings('grant'));
    const jwksFile = line.string('jwks');
    const jwks = jwksFile === undefined ? undefined : await loadPublicJwks(line, ctx, m, jwksFile);
    return {
      method: 'POST',
      path: '/v1/agencies',
      body: { id, name, roles, ...(jwks ? { jwks } : {}), grants },
      headline: (view) => m.created(view.id),
    };
  },
);

const showAction = operatorAction(
  {
    name: 'agency show',
    vi: {
      summary: 'xem một cơ quan: trạng thái, vai trò, khóa và quyền',
      description: 'GET /v1/agencies/ID.',
    },
    summary: 'one agency: status, roles, keys and grants',
    description: 'GET /v1/agencies/ID.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong agency show 000.00.00.G99'],
  },
  (line, _ctx, m) => Promise.resolve({ method: 'GET', path: agencyPath(line, m) }),
);

const suspendAction = operatorAction(
  {
    name: 'agency suspend',
    vi: {
      summary: 'tạm dừng một cơ quan: không cấp mã truy cập mới, mã đã cấp hết hiệu lực ngay',
      description: 'POST /v1/agencies/ID/suspend.',
    },
    summary: 'suspend an agency: no more tokens, and its access tokens stop working at once',
    description: 'POST /v1/agencies/ID/suspend.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong agency suspend 000.00.00.G99'],
  },
  (line, _ctx, m) =>
    Promise.resolve({
      method: 'POST',
      path: agencyPath(line, m, '/suspend'),
      headline: (view) => m.suspended(view.id),
    }),
);

const reactivateAction = operatorAction(
  {
    name: 'agency reactivate',
    vi: {
      summary: 'cho cơ quan đang tạm dừng hoạt động trở lại',
      description: 'POST /v1/agencies/ID/reactivate.',
    },
    summary: 'make a suspended agency active again',
    description: 'POST /v1/agencies/ID/reactivate.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong agency reactivate 000.00.00.G99'],
  },
  (line, _ctx, m) =>
    Promise.resolve({
      method: 'POST',
      path: agencyPath(line, m, '/reactivate'),
      headline: (view) => m.reactivated(view.id),
    }),
);

const addKeyAction = operatorAction(
  {
    name: 'agency add-key',
    vi: {
      summary:
        'thêm khóa công khai cho cơ quan (thay khóa: thêm khóa mới, chuyển sang dùng, rồi thu hồi khóa cũ)',
      description: 'POST /v1/agencies/ID/keys với bộ khóa công khai trong --jwks.',
    },
    summary: 'add public keys to an agency (rotation: add, switch over, then revoke-key the old)',
    description: 'POST /v1/agencies/ID/keys with the public JWK Set of --jwks.',
    arguments: [ID_ARGUMENT],
    options: [{ name: 'jwks', type: 'string', value: 'FILE', description: 'the public JWK Set to add' }],
    examples: ['lienthong agency add-key 000.00.00.G99 --jwks 000.00.00.G99.public.jwks.json'],
  },
  async (line, ctx, m) => {
    const path = agencyPath(line, m, '/keys');
    const jwks = await loadPublicJwks(line, ctx, m, line.require('jwks'));
    return {
      method: 'POST',
      path,
      body: { jwks },
      headline: (view) => m.keysAdded(view.id, jwks.keys.map((k) => String(k['kid'])).join(', ')),
    };
  },
);

const revokeKeyAction = operatorAction(
  {
    name: 'agency revoke-key',
    vi: {
      summary: 'thu hồi một khóa của cơ quan: mọi xác nhận ký bằng khóa đó bị từ chối',
      description: 'DELETE /v1/agencies/ID/keys/KID.',
    },
    summary: 'revoke one key of an agency: assertions signed with it are refused',
    description: 'DELETE /v1/agencies/ID/keys/KID.',
    arguments: [ID_ARGUMENT, { name: 'KID', description: 'the key id' }],
    examples: ['lienthong agency revoke-key 000.00.00.G99 UK0YGyapxbYBgDYYooKggypN_MK2hcdk11V_5cIeM2Q'],
  },
  (line, _ctx, m) => {
    const path = agencyPath(line, m, '/keys/');
    const kid = checkKid(line, m, line.argument('KID'));
    return Promise.resolve({
      method: 'DELETE',
      path: `${path}${encodeURIComponent(kid)}`,
      headline: (view) => m.keyRevoked(view.id, kid),
    });
  },
);

const listAction: Command = {
  spec: {
    name: 'agency list',
    summary: 'every agency, one line each',
    description: `GET /v1/agencies.\n${OPERATOR_NOTE}`,
    vi: {
      summary: 'mọi cơ quan, mỗi cơ quan một dòng',
      description: `GET /v1/agencies.\n${OPERATOR_NOTE_VI}`,
    },
    arguments: [],
    options: [...CREDENTIAL_OPTIONS, JSON_OPTION, LANG_OPTION],
    examples: ['lienthong agency list', 'lienthong agency list --json | jq -r ".[].id"'],
  },
  async run(line, ctx) {
    const m = messagesIn(languageOf(line.string('lang'), ctx.env)).agency;
    const answer = await callAsAgency(line, ctx, 'GET', '/v1/agencies');
    if (line.flag('json')) ctx.stdout(formatJson(answer.body));
    else ctx.stdout(formatAgencyList(readAgencyList(answer.body, m), m));
  },
};

/** `lienthong agency <action>`: the operator's administration of agencies. */
export const agencyCommand: CommandGroup = {
  spec: {
    name: 'agency',
    summary: 'operators: create, show, list, suspend, reactivate agencies; add and revoke their keys',
    description: [
      "The operator's administration of agencies over /v1/agencies (docs/agencies.md). Every",
      'action needs an operator key; grants are given and taken with lienthong grant and revoke.',
    ].join('\n'),
    vi: {
      summary:
        'đơn vị vận hành: tạo, xem, liệt kê, tạm dừng, cho hoạt động lại cơ quan; thêm và thu hồi khóa',
      description: [
        'Đơn vị vận hành quản lý các cơ quan qua /v1/agencies (docs/agencies.md). Mọi thao tác đều cần',
        'khóa của đơn vị vận hành; cấp và thu hồi quyền bằng lệnh lienthong grant và revoke.',
      ].join('\n'),
    },
  },
  actions: [
    createAction,
    showAction,
    listAction,
    suspendAction,
    reactivateAction,
    addKeyAction,
    revokeKeyAction,
  ],
};

function grantCommand(name: 'grant' | 'revoke'): Command {
  return operatorAction(
    {
      name,
      summary:
        name === 'grant'
          ? 'operators: give an agency a right on a type (publish, subscribe, subscribe-personal-data)'
          : 'operators: take a right on a type away from an agency',
      description: `${name === 'grant' ? 'PUT' : 'DELETE'} /v1/agencies/ID/grants/RIGHT/TYPE.`,
      vi: {
        summary:
          name === 'grant'
            ? 'đơn vị vận hành: cấp cho cơ quan một quyền đối với một loại dữ liệu (publish, subscribe, subscribe-personal-data)'
            : 'đơn vị vận hành: thu hồi một quyền của cơ quan đối với một loại dữ liệu',
        description: `${name === 'grant' ? 'PUT' : 'DELETE'} /v1/agencies/ID/grants/RIGHT/TYPE.`,
      },
      arguments: GRANT_ARGUMENTS,
      examples: [`lienthong ${name} 000.00.00.G99 subscribe residence.registration`],
    },
    (line, _ctx, m) => {
      const right = checkRight(line, m, line.argument('RIGHT'));
      const type = checkMessageTypeName(line, m, line.argument('TYPE'));
      return Promise.resolve({
        method: name === 'grant' ? 'PUT' : 'DELETE',
        path: agencyPath(line, m, `/grants/${right}/${type}`),
        headline: (view) => (name === 'grant' ? m.granted : m.grantRevoked)(view.id, right, type),
      });
    },
  );
}

export const grantAgencyCommand = grantCommand('grant');
export const revokeAgencyCommand = grantCommand('revoke');
