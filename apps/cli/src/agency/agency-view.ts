import type { AgencyView } from '@lienthong/registry';
import { UnexpectedError } from '../common/cli.exception.js';
import { table } from '../common/command-line.js';
import type { Messages } from '../common/i18n/en.js';
import { isJsonObject } from '../common/json-value.util.js';
import { printable } from '../common/output.js';

type AgencyMessages = Messages['agency'];

/** The gateway's `AgencyView`, checked enough to be printed. */
export function readAgencyView(body: unknown, m: AgencyMessages): AgencyView {
  if (
    !isJsonObject(body) ||
    typeof body['id'] !== 'string' ||
    typeof body['name'] !== 'string' ||
    typeof body['status'] !== 'string' ||
    !Array.isArray(body['roles']) ||
    !Array.isArray(body['keys']) ||
    !body['keys'].every((k) => isJsonObject(k) && typeof k['kid'] === 'string') ||
    !isJsonObject(body['grants'])
  ) {
    throw new UnexpectedError(m.badAnswer('an agency'));
  }
  return body as unknown as AgencyView;
}

/** `GET /v1/agencies`: an array of agencies. */
export function readAgencyList(body: unknown, m: AgencyMessages): AgencyView[] {
  if (!Array.isArray(body)) throw new UnexpectedError(m.badAnswer('a list of agencies'));
  return body.map((a) => readAgencyView(a, m));
}

/** An agency for a person: one labelled line per aspect. */
export function formatAgency(view: AgencyView, m: AgencyMessages): string {
  const l = m.labels;
  const status = (s: string): string => m.status[s] ?? s;
  const keys = view.keys.map((k) => {
    const alg = typeof k.jwk?.['alg'] === 'string' ? ` ${k.jwk['alg']}` : '';
    return `${k.kid}${alg} ${status(k.status)}`;
  });
  const grants = Object.entries(view.grants)
    .filter(([, types]) => Array.isArray(types) && types.length > 0)
    .map(([right, types]) => `${right}: ${types.join(', ')}`);
  const rows: [string, string][] = [
    [l.id, view.id],
    [l.name, view.name],
    [l.status, status(view.status)],
    [l.roles, view.roles.length > 0 ? view.roles.join(', ') : m.none],
    ...lines(l.keys, keys, m.none),
    ...lines(l.grants, grants, m.none),
    [l.updated, view.updatedAt],
  ];
  return `${printable(table(rows).join('\n'))}\n`;
}

/** Agencies as a table, one line each. */
export function formatAgencyList(views: readonly AgencyView[], m: AgencyMessages): string {
  if (views.length === 0) return `${m.noAgencies}\n`;
  const rows = views.map((v) => [v.id, m.status[v.status] ?? v.status, v.roles.join(','), v.name]);
  return `${printable(columns([m.listHeader, ...rows]).join('\n'))}\n`;
}

/** The first value beside the label, the others under it. */
function lines(label: string, values: readonly string[], none: string): [string, string][] {
  if (values.length === 0) return [[label, none]];
  return values.map((v, i): [string, string] => [i === 0 ? label : '', v]);
}

/** Left-aligned columns, two spaces apart. */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
