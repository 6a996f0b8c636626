import type { CliError, Refusal } from './cli.exception.js';
import { GatewayRefusalError, UsageError } from './cli.exception.js';
import type { Messages } from './i18n/en.js';
import { en } from './i18n/en.js';

/** Pretty JSON with a final newline: what the commands print on stdout. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** C0 controls except tab and newline, DEL, and the C1 controls (CSI is U+009B). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text that came from elsewhere (the gateway, a file) made safe for a terminal: control
 * characters, including the escape that starts terminal control sequences, are shown escaped.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A refusal for stderr: status and stable code first (what a script or a support ticket
 * quotes), then the title, the detail, every failing JSON pointer, and the correlation id.
 */
export function formatRefusal(refusal: Refusal, m: Messages['cli'] = en.cli): string {
  const head = `lienthong: ${m.refused}: ${refusal.status} ${refusal.code}`;
  const lines = [printable(refusal.title ? `${head} (${refusal.title})` : head)];
  if (refusal.detail) lines.push(`  ${printable(refusal.detail)}`);
  for (const e of refusal.errors) {
    const where = e.pointer === '' ? m.wholeDocument : e.pointer;
    lines.push(
      `  ${printable(where)}: ${printable(e.message)}${e.keyword ? ` [${printable(e.keyword)}]` : ''}`,
    );
  }
  if (refusal.correlationId) lines.push(`  ${m.correlationId}: ${printable(refusal.correlationId)}`);
  if (refusal.retryAfter) lines.push(`  ${m.retryAfter}: ${printable(refusal.retryAfter)} s`);
  for (const hint of refusal.hints ?? []) lines.push(`  ${printable(hint)}`);
  return `${lines.join('\n')}\n`;
}

/** Any failure the CLI explains, for stderr. */
export function formatCliError(error: CliError, m: Messages['cli'] = en.cli): string {
  if (error instanceof GatewayRefusalError) return formatRefusal(error.refusal, m);
  const lines = [`lienthong: ${printable(error.message)}`];
  if (error instanceof UsageError && error.command !== undefined) {
    lines.push(m.runHelp(error.command));
  }
  return `${lines.join('\n')}\n`;
}
