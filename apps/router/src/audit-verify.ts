/**
 * `node dist/apps/router/src/audit-verify.js`: verifies every hash chain in `lienthong.audit`
 * (KAFKA_BROKERS). Prints a JSON report; exit code 0 when intact, 1 when tampered, 2 on error.
 */
import { createKafkaClient } from '@lienthong/kafka';
import { verifyAuditTopic } from './audit/audit-reader.js';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.trim().length > 0);
if (brokers.length === 0) {
  process.stderr.write('KAFKA_BROKERS must list at least one host:port\n');
  process.exit(2);
}
try {
  const kafka = createKafkaClient({ brokers, clientId: 'lienthong-audit-verify' });
  const report = await verifyAuditTopic(kafka);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(
    `audit verification failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
}
