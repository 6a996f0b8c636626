/** The `202 Accepted` answer to a publish: where Kafka stored the record. */
export interface PublishResult {
  id: string;
  type: string;
  schemaVersion: number;
  /** Present (true) when the version used is deprecated: still accepted, but plan to move on. */
  schemaDeprecated?: true;
  topic: string;
  partition: number;
  offset: string;
  acceptedAt: string;
}

/** What the controller hands the service besides the body. */
export interface PublishContext {
  agencyId: string;
  traceparent?: string | undefined;
  /** Raw `Lienthong-Schema-Version` header, when sent. */
  schemaVersion?: string | undefined;
}
