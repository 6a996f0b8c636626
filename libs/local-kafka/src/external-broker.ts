import type { KafkaHandle } from './kafka-handle.types.js';

/** Parses a comma-separated broker list (`KAFKA_BROKERS`); blanks are ignored. */
export function parseBrokerList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** A cluster somebody else runs: nothing to start, nothing to stop. */
export function externalBroker(brokers: string[]): KafkaHandle {
  return { brokers: [...brokers], mode: 'external', stop: () => Promise.resolve() };
}
