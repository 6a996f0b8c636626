import type { AuditVerificationReport } from './audit-verification.js';
import { AUDIT_FINDING_MESSAGES } from './audit-verification.js';

/** C0/C1 controls (terminal escapes) shown escaped: writer ids and details come from the log. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const safe = (text: string): string =>
  text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A verification report for people, every line in Vietnamese then English. */
export function formatAuditReport(report: AuditVerificationReport): string {
  const lines: string[] = [];
  if (report.ok) {
    lines.push(
      `Nhật ký kiểm toán toàn vẹn: ${report.events} sự kiện, ${report.chains} chuỗi, ${report.checkpoints} điểm kiểm soát.`,
      `Audit trail intact: ${report.events} events, ${report.chains} chains, ${report.checkpoints} checkpoints.`,
    );
  } else {
    lines.push(
      `Nhật ký kiểm toán KHÔNG toàn vẹn: ${report.findings.length} phát hiện.`,
      `Audit trail NOT intact: ${report.findings.length} findings.`,
    );
  }
  for (const f of report.findings) {
    const message = AUDIT_FINDING_MESSAGES[f.code];
    const where = [
      f.source === 'external' ? 'external checkpoint' : `partition ${f.partition ?? '?'}`,
      f.offset === undefined ? undefined : `offset ${f.offset}`,
      f.writer === undefined ? undefined : `writer ${f.writer}`,
      f.seq === undefined ? undefined : `seq ${f.seq}`,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
    lines.push(`  [${f.code}] ${message.vi} / ${message.en}`, `    ${safe(where)}: ${safe(f.detail)}`);
  }
  const unanchored = report.unanchored.reduce((n, r) => n + r.events, 0);
  if (unanchored > 0) {
    lines.push(
      `Chưa được neo: ${unanchored} sự kiện sau điểm kiểm soát cuối cùng của chuỗi (${report.unanchored.length} chuỗi).`,
      `Unanchored: ${unanchored} events after the last checkpoint of their chain (${report.unanchored.length} chains).`,
    );
  }
  const unacknowledged = report.unacknowledged.reduce((n, r) => n + r.events, 0);
  if (unacknowledged > 0) {
    lines.push(
      `Chưa được xác nhận: ${unacknowledged} sự kiện sau khi bên ghi khởi động lại chuỗi mới.`,
      `Unacknowledged: ${unacknowledged} events after their writer moved to a new chain.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
