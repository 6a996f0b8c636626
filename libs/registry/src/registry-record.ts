/** The one compacted, single-partition topic that holds the registry's state. */
export const REGISTRY_TOPIC = 'lienthong.registry';

/** Version of the record envelope below; a replica refuses to start on a newer one. */
export const REGISTRY_RECORD_FORMAT = 1;

/**
 * What a registry record is about: schemas and their configuration; agencies, their keys and
 * grants and rate-limit overrides; subscriptions (`subscription/<id>`, see `@lienthong/delivery`).
 */
export type RegistryKind =
  | 'schema-version'
  | 'schema-version-state'
  | 'schema-config'
  | 'global-config'
  | 'agency'
  | 'agency-key'
  | 'grant'
  | 'agency-rate-limits'
  | 'subscription';

/**
 * One record of `lienthong.registry`. The Kafka key is `<kind>/<id>`: compaction keeps the last
 * record per key, so every kind is designed so that its last record is all that matters —
 * mutable entities (configs, version states) are last-writer-wins full states; immutable ones
 * (schema versions) have a key unique to the command, so compaction never removes an accepted
 * version and every replica, before or after compaction, replays to the same state.
 */
export interface RegistryRecord<K extends RegistryKind = RegistryKind, D = unknown> {
  format: typeof REGISTRY_RECORD_FORMAT;
  kind: K;
  /** Entity id within the kind (e.g. `residence.registration` or `residence.registration/3`). */
  id: string;
  /** Unique per write; the writer waits for its own replica to apply this command. */
  commandId: string;
  /** Which replica wrote it (diagnostics only; never used to decide anything). */
  writer: string;
  /** Agency that asked for the change (audit), when known. */
  by?: string;
  /** ISO time the writer appended it (informational; order is the log's). */
  at: string;
  data: D;
}

/** The Kafka key of a record. */
export function registryKey(record: Pick<RegistryRecord, 'kind' | 'id'>): string {
  return `${record.kind}/${record.id}`;
}
