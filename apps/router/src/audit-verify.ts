/**
 * `node dist/apps/router/src/audit-verify.js`: verifies `lienthong.audit` (KAFKA_BROKERS)
 * against the audit keys of AUDIT_JWKS (a JWKS file, or the gateway's `/.well-known/jwks.json`
 * URL) and, when AUDIT_CHECKPOINTS_FILE is set, checkpoints kept outside Kafka. Prints the JSON
 * report on stdout and a bilingual summary on stderr; exit 0 intact, 1 findings, 2 error.
 * `lienthong audit verify` does the same with options.
 */
import { readFileSync } from 'node:fs';
import { formatAuditReport, parseAuditCheckpoints, verifyAuditTopic } from '@lienthong/audit';
import { createKafkaClient } from '@lienthong/kafka';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.trim().length > 0);
const jwksSource = process.env['AUDIT_JWKS'] ?? '';
if (brokers.length === 0 || jwksSource === '') {
  process.stderr.write(
    'KAFKA_BROKERS must list at least one host:port and AUDIT_JWKS name a JWKS file or URL\n',
  );
  process.exit(2);
}
try {
  const jwks: unknown = /^https?:\/\//i.test(jwksSource)
    ? await (await fetch(jwksSource, { redirect: 'error', signal: AbortSignal.timeout(10_000) })).json()
    : JSON.parse(readFileSync(jwksSource, 'utf8'));
  const checkpointsFile = process.env['AUDIT_CHECKPOINTS_FILE'];
  const externalCheckpoints = checkpointsFile
    ? parseAuditCheckpoints(readFileSync(checkpointsFile, 'utf8'))
    : undefined;
  const kafka = createKafkaClient({ brokers, clientId: 'lienthong-audit-verify' });
  const report = await verifyAuditTopic(kafka, {
    jwks,
    ...(externalCheckpoints ? { externalCheckpoints } : {}),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(formatAuditReport(report));
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(
    `audit verification failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
}
