import { writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { AuditVerificationReport } from '@lienthong/audit';
import {
  auditCheckpointsOf,
  formatAuditReport,
  parseAuditCheckpoints,
  readAuditTopic,
  verifyAuditLog,
} from '@lienthong/audit';
import { createKafkaClient } from '@lienthong/kafka';
import type { CliContext } from '../common/cli-context.js';
import { AuditFindingsError, UnexpectedError, UsageError } from '../common/cli.exception.js';
import { readInputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { GATEWAY_OPTION } from '../common/credential-options.js';
import { errorMessage } from '../common/error-message.util.js';
import { formatJson } from '../common/output.js';
import { loadJwks } from '../verify-receipt/verify-receipt.command.js';

const ACTIONS = ['verify', 'checkpoints'] as const;

/**
 * `lienthong audit verify|checkpoints`: verifies `lienthong.audit` against the published audit
 * keys, or copies its signed checkpoints out of Kafka to keep them elsewhere.
 */
export const auditCommand: Command = {
  spec: {
    name: 'audit',
    summary: 'verify the signed audit trail in Kafka, or copy its checkpoints out of it',
    description: [
      'verify: reads lienthong.audit and checks every signature against the audit keys of the',
      "gateway's JWKS (use lienthong-audit), each event's partition, sequence and chain link, and",
      'every signed checkpoint (in the topic, and from --checkpoints). Exit 1 on any finding:',
      'forgery (missing or bad signature, unknown key), replay, wrong partition, fork, reordering,',
      'gaps, truncation, history rewritten. Events after the last checkpoint are reported as',
      'unanchored, which is not a failure.',
      'checkpoints: writes every checkpoint of the topic as JSON Lines (--out, default stdout):',
      'keep that file in your own archive and pass it to verify --checkpoints later.',
      'Kết quả in bằng tiếng Việt và tiếng Anh.',
    ].join('\n'),
    arguments: [{ name: 'ACTION', description: 'verify | checkpoints' }],
    options: [
      {
        name: 'brokers',
        type: 'string',
        value: 'HOST:PORT,...',
        description: 'Kafka bootstrap brokers',
        env: 'KAFKA_BROKERS',
      },
      {
        name: 'jwks',
        type: 'string',
        value: 'URL_OR_FILE',
        description:
          "the gateway's JWK Set: its URL, or a saved copy (default: GATEWAY/.well-known/jwks.json)",
      },
      { ...GATEWAY_OPTION, description: 'gateway whose published JWKS to use when --jwks is not given' },
      {
        name: 'checkpoints',
        type: 'string',
        value: 'FILE',
        description: 'checkpoints kept outside Kafka (JSON Lines or a JSON array) to check the trail against',
      },
      {
        name: 'since',
        type: 'string',
        value: 'TIME',
        description: 'read only records written at or after this ISO 8601 time',
      },
      { name: 'json', type: 'boolean', description: 'verify: print the full report as JSON on stdout' },
      { name: 'out', type: 'string', value: 'FILE', description: 'checkpoints: write them to this file' },
    ],
    examples: [
      'lienthong audit verify --brokers 127.0.0.1:9092 --jwks http://127.0.0.1:8080/.well-known/jwks.json',
      'lienthong audit checkpoints --brokers 127.0.0.1:9092 --out checkpoints-2026-12-03.jsonl',
      'lienthong audit verify --brokers 127.0.0.1:9092 --jwks jwks.json --checkpoints archive.jsonl',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const action = line.argument('ACTION');
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`audit takes verify or checkpoints; got ${JSON.stringify(action)}`, 'audit');
    const brokers = line
      .require('brokers')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    if (brokers.length === 0 || !brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)))
      throw new UsageError('--brokers must list HOST:PORT pairs separated by commas', 'audit');
    const sinceText = line.string('since');
    const since = sinceText === undefined ? undefined : new Date(sinceText);
    if (since !== undefined && Number.isNaN(since.getTime()))
      throw new UsageError(`--since ${sinceText} is not an ISO 8601 time`, 'audit');

    if (action === 'checkpoints') {
      const snapshot = await read(brokers, since);
      const text = auditCheckpointsOf(snapshot.entries)
        .map((c) => `${JSON.stringify(c)}\n`)
        .join('');
      const out = line.string('out');
      if (out === undefined) ctx.stdout(text);
      else await writeFile(isAbsolute(out) ? out : join(ctx.cwd, out), text, { mode: 0o644 });
      const count = text.length === 0 ? 0 : text.split('\n').length - 1;
      ctx.stderr(`Đã sao chép ${count} điểm kiểm soát. / Copied ${count} checkpoints.\n`);
      return;
    }

    const jwks = await loadJwks(line, ctx, 'audit');
    const checkpointsFile = line.string('checkpoints');
    let externalCheckpoints: unknown[] | undefined;
    if (checkpointsFile !== undefined) {
      const bytes = await readInputFile(ctx, checkpointsFile, 'checkpoints file', 64 * 1_048_576);
      try {
        externalCheckpoints = parseAuditCheckpoints(bytes.toString('utf8'));
      } catch (error) {
        throw new UsageError(`${checkpointsFile}: ${errorMessage(error)}`, 'audit');
      }
    }
    const snapshot = await read(brokers, since);
    const report: AuditVerificationReport = verifyAuditLog(snapshot.entries, {
      jwks,
      partial: snapshot.partial,
      snapshotAt: snapshot.snapshotAt,
      ...(externalCheckpoints ? { externalCheckpoints } : {}),
    });
    if (line.flag('json')) ctx.stdout(formatJson(report));
    else ctx.stdout(formatAuditReport(report));
    if (!report.ok) {
      throw new AuditFindingsError(
        `nhật ký kiểm toán không toàn vẹn / the audit trail does not verify (${report.findings.length} findings)`,
      );
    }
  },
};

async function read(brokers: string[], since: Date | undefined) {
  const kafka = createKafkaClient({ brokers, clientId: 'lienthong-cli-audit' });
  try {
    return await readAuditTopic(kafka, { ...(since ? { since } : {}), timeoutMs: 60_000 });
  } catch (error) {
    throw new UnexpectedError(
      `cannot read lienthong.audit from ${brokers.join(',')}: ${errorMessage(error)}`,
    );
  }
}
