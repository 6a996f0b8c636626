/** Kafka record headers as a client hands them over (kafkajs `IHeaders`): repeated names give arrays. */
export type KafkaHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/**
 * Kafka headers as UTF-8 strings, the one way every reader of a Lienthong topic decodes them.
 * Kafka allows a header name to repeat; the last value wins, as with the Java client's
 * `Headers.lastHeader` (which the CloudEvents Kafka binding's SDKs use). Lienthong writers never
 * repeat a header, so a repeat came from elsewhere, and the gateway's dead-letter listing and the
 * router's redrive must still read it alike.
 */
export function decodeKafkaHeaders(headers: KafkaHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
