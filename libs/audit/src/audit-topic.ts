import type { TopicSpec } from '@lienthong/kafka';
import { AUDIT_TOPIC } from '@lienthong/delivery';

/** How `lienthong.audit` is created (by whichever of gateway and router starts first). */
export function auditTopicSpec(numPartitions: number, replicationFactor: number): TopicSpec {
  return {
    topic: AUDIT_TOPIC,
    numPartitions,
    replicationFactor,
    // The trail is kept, not aged out: a chain that lost its start could not be verified.
    configEntries: { 'retention.ms': '-1', 'retention.bytes': '-1' },
  };
}
