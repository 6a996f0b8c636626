import { UnexpectedError } from '../common/cli.exception.js';
import { table } from '../common/command-line.js';
import type { Messages } from '../common/i18n/en.js';
import { isJsonObject } from '../common/json-value.util.js';
import { printable } from '../common/output.js';
import { columns } from '../agency/agency-view.js';

type SubscriptionMessages = Messages['subscription'];

/** The gateway's subscription, as much of it as is printed. */
export interface SubscriptionSummary {
  id: string;
  agency: string;
  types: string[];
  delivery: { mode: string; topic?: string; url?: string; secret?: string };
  purpose?: { vi?: string; en?: string };
  legalBasis?: string;
  status: string;
  createdAt?: string;
}

export function readSubscription(body: unknown, m: SubscriptionMessages): SubscriptionSummary {
  if (
    !isJsonObject(body) ||
    typeof body['id'] !== 'string' ||
    typeof body['agency'] !== 'string' ||
    !Array.isArray(body['types']) ||
    !isJsonObject(body['delivery']) ||
    typeof body['status'] !== 'string'
  ) {
    throw new UnexpectedError(m.badAnswer('a subscription'));
  }
  return body as unknown as SubscriptionSummary;
}

export function readSubscriptionList(body: unknown, m: SubscriptionMessages): SubscriptionSummary[] {
  if (!Array.isArray(body)) throw new UnexpectedError(m.badAnswer('a list of subscriptions'));
  return body.map((s) => readSubscription(s, m));
}

function deliveryOf(s: SubscriptionSummary): string {
  const d = s.delivery;
  if (d.mode === 'kafka') return `kafka ${d.topic ?? ''}`.trim();
  if (d.mode === 'webhook') return `webhook ${d.url ?? ''}`.trim();
  return d.mode;
}

export function formatSubscription(s: SubscriptionSummary, m: SubscriptionMessages): string {
  const l = m.labels;
  const rows: [string, string][] = [
    [l.id, s.id],
    [l.agency, s.agency],
    [l.types, s.types.join(', ')],
    [l.delivery, deliveryOf(s)],
  ];
  if (s.delivery.secret !== undefined) rows.push([l.secret, s.delivery.secret]);
  if (s.purpose?.vi !== undefined) rows.push([l.purpose, `(vi) ${s.purpose.vi}`]);
  if (s.purpose?.en !== undefined)
    rows.push([s.purpose.vi === undefined ? l.purpose : '', `(en) ${s.purpose.en}`]);
  if (s.legalBasis !== undefined) rows.push([l.legalBasis, s.legalBasis]);
  rows.push([l.status, m.status[s.status] ?? s.status]);
  if (s.createdAt !== undefined) rows.push([l.created, s.createdAt]);
  const notes = s.delivery.secret !== undefined ? `${m.secretOnce}\n` : '';
  return `${printable(table(rows).join('\n'))}\n${notes}`;
}

export function formatSubscriptionList(
  list: readonly SubscriptionSummary[],
  m: SubscriptionMessages,
): string {
  if (list.length === 0) return `${m.noSubscriptions}\n`;
  const rows = list.map((s) => [s.id, m.status[s.status] ?? s.status, deliveryOf(s), s.types.join(',')]);
  return `${printable(columns([m.listHeader, ...rows]).join('\n'))}\n`;
}

/** `GET /v1/subscriptions/{id}/dead-letters`. */
export interface DeadLetterAnswer {
  subscriptionId: string;
  deadLetters: {
    messageId?: string;
    type?: string;
    reason?: string;
    lastError?: string;
    attempts?: number;
    deadLetteredAt?: string;
  }[];
  truncated: boolean;
  complete: boolean;
}

export function readDeadLetters(body: unknown, m: SubscriptionMessages): DeadLetterAnswer {
  if (
    !isJsonObject(body) ||
    !Array.isArray(body['deadLetters']) ||
    !body['deadLetters'].every(isJsonObject) ||
    typeof body['truncated'] !== 'boolean' ||
    typeof body['complete'] !== 'boolean'
  ) {
    throw new UnexpectedError(m.badAnswer('a list of dead letters'));
  }
  return body as unknown as DeadLetterAnswer;
}

export function formatDeadLetters(id: string, answer: DeadLetterAnswer, m: SubscriptionMessages): string {
  const lines: string[] = [];
  if (answer.deadLetters.length === 0) lines.push(m.noDeadLetters(id));
  else {
    const rows = answer.deadLetters.map((d) => [
      d.deadLetteredAt ?? '-',
      d.messageId ?? '-',
      d.type ?? '-',
      d.attempts === undefined ? '-' : String(d.attempts),
      [d.reason, d.lastError].filter((x) => x !== undefined).join(': ') || '-',
    ]);
    lines.push(...columns([m.deadLetterHeader, ...rows]));
  }
  if (answer.truncated) lines.push(m.truncated);
  if (!answer.complete) lines.push(m.incomplete);
  return `${printable(lines.join('\n'))}\n`;
}
