/**
 * The Apache Kafka release every local broker runs: the `apache/kafka` image tag for
 * testcontainers and the `org.apache.kafka:kafka_2.13` artifact for the local-jars broker.
 * Newest 4.x release; kafkajs 2.2.4 is verified against it (see docs/kafka.md).
 */
export const KAFKA_VERSION = '4.4.0';

/**
 * log4j 2 release matching the log4j-api/log4j-core that kafka_2.13 pulls in. Kafka 4.x logs
 * through SLF4J 1.7, so the local-jars broker adds the `log4j-slf4j-impl` binding at this
 * version (the Kafka distribution ships the same binding in its libs/ folder).
 */
export const LOG4J_VERSION = '2.25.5';

/** maven-dependency-plugin pinned so `copy-dependencies` resolves the same way everywhere. */
export const MAVEN_DEPENDENCY_PLUGIN_VERSION = '3.8.1';
