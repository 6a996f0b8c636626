/** The router's kafkajs client (one per process; RouterKafkaModule provides it). */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
