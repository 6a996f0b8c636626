/** The gateway's kafkajs client (one per process; KafkaModule provides it). */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
