import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LabelBounds } from './label-bounds.js';
import type {
  DeliveryMode,
  DeliveryOutcome,
  SchemaVersionState,
  TopicFamily,
} from './metric-labels.const.js';
import {
  DELIVERY_MODES,
  DELIVERY_OUTCOMES,
  OTHER,
  SCHEMA_VERSION_STATES,
  TOPIC_FAMILIES,
  topicFamily,
} from './metric-labels.const.js';
import { stopwatch } from './stopwatch.util.js';

/** Prefix of every metric name (design: "Operations"). */
export const METRIC_PREFIX = 'lienthong_';

/**
 * prom-client's default metrics include three gauges named `..._total`, which the Prometheus
 * naming rules reserve for counters (`promtool check metrics` refuses them). Their values are
 * the sums of `nodejs_active_{handles,requests,resources}` by type, which stay.
 */
const NON_CONFORMING_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Histogram buckets in seconds, chosen per operation so each p99 falls between two buckets. */
export const BUCKETS = {
  http: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  validation: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  produce: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  signing: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
  delivery: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
} as const;

/** What the registry gauges read at each scrape. */
export interface RegistryMetricsSource {
  /** This replica has applied the registry log up to its end as of startup. */
  isCaughtUp(): boolean;
  /** Registry records applied since start; only grows. */
  recordsApplied(): number;
  /** Registered message types. */
  typeCount(): number;
  /** Schema versions by state. */
  versionCounts(): Partial<Record<SchemaVersionState, number>>;
}

/** Lag of one consumer group on one partition: log end offset minus committed offset. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** What `lienthong_consumer_lag` reads at each scrape (see ConsumerLagCollector). */
export interface ConsumerLagSource {
  lag(): Promise<readonly PartitionLag[]>;
}

/** The active gateway signing key, for the rotation alert. */
export interface SigningKeyInfo {
  kid: string;
  createdAtMs: number;
}

export interface LienthongMetricsOptions {
  /** Allow-lists for labels; one is created when not given. */
  bounds?: LabelBounds;
  /** Process and Node.js runtime metrics (default true). */
  defaultMetrics?: boolean;
}

/**
 * Every Lienthong metric, in a registry of its own (several apps or test gateways can share a
 * process). Methods take domain values and pass them through {@link LabelBounds}, so callers
 * never build label values themselves.
 */
export class LienthongMetrics {
  readonly registry = new Registry();
  readonly bounds: LabelBounds;
  private readonly registers = [this.registry];

  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly recordsAccepted: Counter<'type' | 'agency'>;
  private readonly recordsRejected: Counter<'type' | 'agency' | 'reason'>;
  private readonly validationDuration: Histogram<'type'>;
  private readonly produceDuration: Histogram<'topic_family'>;
  private readonly produceErrors: Counter<'topic_family'>;
  private readonly tokensIssued: Counter<'agency'>;
  private readonly rateLimitedRequests: Counter<'route' | 'agency'>;
  private readonly authFailures: Counter<'reason' | 'context'>;
  private readonly signingDuration: Histogram;
  private readonly deprecatedUsed: Counter<'type'>;
  private readonly deliveries: Counter<'subscription' | 'outcome'>;
  private readonly deliveryDurations: Histogram<'mode'>;
  private readonly auditEvents: Counter<'outcome'>;
  private readonly auditWriteFailures: Counter;

  private registrySource: RegistryMetricsSource | undefined;
  private registryAppliedSeen = 0;
  private lagSource: ConsumerLagSource | undefined;
  private kafkaProbe: (() => Promise<boolean>) | undefined;
  private signingKey: (() => SigningKeyInfo | undefined) | undefined;

  constructor(options: LienthongMetricsOptions = {}) {
    this.bounds = options.bounds ?? new LabelBounds();
    const registers = this.registers;
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
      for (const name of NON_CONFORMING_DEFAULT_METRICS) {
        this.registry.removeSingleMetric(`${METRIC_PREFIX}${name}`);
      }
    }

    this.httpDuration = new Histogram({
      name: 'lienthong_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, with their duration.',
      labelNames: ['method', 'route', 'status'],
      buckets: [...BUCKETS.http],
      registers,
    });
    this.recordsAccepted = new Counter({
      name: 'lienthong_records_accepted_total',
      help: 'Records written to Kafka and acknowledged, by type and publishing agency.',
      labelNames: ['type', 'agency'],
      registers,
    });
    this.recordsRejected = new Counter({
      name: 'lienthong_records_rejected_total',
      help: 'Publish requests refused, by type, publishing agency and problem code.',
      labelNames: ['type', 'agency', 'reason'],
      registers,
    });
    this.validationDuration = new Histogram({
      name: 'lienthong_schema_validation_duration_seconds',
      help: 'Time to validate one record against its JSON Schema.',
      labelNames: ['type'],
      buckets: [...BUCKETS.validation],
      registers,
    });
    this.produceDuration = new Histogram({
      name: 'lienthong_kafka_produce_duration_seconds',
      help: 'Time until Kafka acknowledged a write (acks=-1), by topic family.',
      labelNames: ['topic_family'],
      buckets: [...BUCKETS.produce],
      registers,
    });
    this.produceErrors = new Counter({
      name: 'lienthong_kafka_produce_errors_total',
      help: 'Writes Kafka did not acknowledge after the producer retries, by topic family.',
      labelNames: ['topic_family'],
      registers,
    });
    // Zero from the start, so the first error moves rate() and alerts (a series born at 1 does not).
    for (const family of TOPIC_FAMILIES) this.produceErrors.inc({ topic_family: family }, 0);
    this.tokensIssued = new Counter({
      name: 'lienthong_tokens_issued_total',
      help: 'Access tokens issued, by agency.',
      labelNames: ['agency'],
      registers,
    });
    this.rateLimitedRequests = new Counter({
      name: 'lienthong_rate_limited_total',
      help: 'Requests refused with 429 rate-limited, by route (token, publish) and agency.',
      labelNames: ['route', 'agency'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'lienthong_auth_failures_total',
      help: 'Refused credentials, by trust reason and what was being checked.',
      labelNames: ['reason', 'context'],
      registers,
    });
    this.signingDuration = new Histogram({
      name: 'lienthong_receipt_signing_duration_seconds',
      help: 'Time to sign one receipt.',
      buckets: [...BUCKETS.signing],
      registers,
    });
    this.deprecatedUsed = new Counter({
      name: 'lienthong_schema_deprecated_version_used_total',
      help: 'Records accepted under a deprecated schema version, by type.',
      labelNames: ['type'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'lienthong_deliveries_total',
      help: 'Delivery attempts by subscription and outcome.',
      labelNames: ['subscription', 'outcome'],
      registers,
    });
    this.deliveryDurations = new Histogram({
      name: 'lienthong_delivery_duration_seconds',
      help: 'Time to deliver one record to a subscriber, by mode.',
      labelNames: ['mode'],
      buckets: [...BUCKETS.delivery],
      registers,
    });
    this.auditEvents = new Counter({
      name: 'lienthong_audit_events_total',
      help: 'Audit events written to lienthong.audit, or dropped because the queue was full.',
      labelNames: ['outcome'],
      registers,
    });
    this.auditWriteFailures = new Counter({
      name: 'lienthong_audit_write_failures_total',
      help: 'Writes to lienthong.audit Kafka did not acknowledge (each is retried on a new chain).',
      registers,
    });
    // Zero from the start, so the first failure or drop moves rate().
    for (const outcome of ['written', 'dropped']) this.auditEvents.inc({ outcome }, 0);
  }

  /** The Prometheus text exposition format (version 0.0.4) of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One HTTP request; `route` is the matched route pattern, undefined when none matched. */
  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpDuration.observe(
      {
        method: this.bounds.method(method),
        route: this.bounds.route(route),
        status: this.bounds.status(status),
      },
      seconds,
    );
  }

  /** A record Kafka acknowledged. */
  accepted(type: string, agency: string): void {
    this.recordsAccepted.inc({ type: this.bounds.type(type), agency: this.bounds.agency(agency) });
  }

  /** A refused publish; `reason` is the problem code answered. */
  rejected(type: string | undefined, agency: string | undefined, reason: string): void {
    this.recordsRejected.inc({
      type: this.bounds.type(type),
      agency: this.bounds.agency(agency),
      reason: this.bounds.rejectionReason(reason),
    });
  }

  schemaValidation(type: string, seconds: number): void {
    this.validationDuration.observe({ type: this.bounds.type(type) }, seconds);
  }

  /** A write Kafka acknowledged; `topic` is the topic name (or its family). */
  kafkaProduced(topic: string, seconds: number): void {
    this.produceDuration.observe({ topic_family: familyOf(topic) }, seconds);
  }

  /** A write Kafka did not take; `topic` is the topic name (or its family). */
  kafkaProduceFailed(topic: string): void {
    this.produceErrors.inc({ topic_family: familyOf(topic) });
  }

  /** Runs one write to `topic`, recording its latency or its failure; rethrows. */
  async timeProduce<T>(topic: string, send: () => Promise<T>): Promise<T> {
    const elapsed = stopwatch();
    try {
      const result = await send();
      this.kafkaProduced(topic, elapsed());
      return result;
    } catch (error) {
      this.kafkaProduceFailed(topic);
      throw error;
    }
  }

  tokenIssued(agency: string): void {
    this.tokensIssued.inc({ agency: this.bounds.agency(agency) });
  }

  /** A request refused by an agency's rate limit; `route` is `token` or `publish`. */
  rateLimited(route: 'token' | 'publish', agency: string): void {
    this.rateLimitedRequests.inc({ route, agency: this.bounds.agency(agency) });
  }

  /** A refused credential: `reason` from TRUST_REASONS, `context` from TRUST_CONTEXTS. */
  authFailure(reason: string, context: string): void {
    this.authFailures.inc({
      reason: this.bounds.authReason(reason),
      context: this.bounds.authContext(context),
    });
  }

  receiptSigned(seconds: number): void {
    this.signingDuration.observe(seconds);
  }

  deprecatedVersionUsed(type: string): void {
    this.deprecatedUsed.inc({ type: this.bounds.type(type) });
  }

  /** Audit events Kafka acknowledged. */
  auditWritten(events: number): void {
    this.auditEvents.inc({ outcome: 'written' }, events);
  }

  /** Audit events given up (queue full, or still queued when the process stopped). */
  auditDropped(events: number): void {
    this.auditEvents.inc({ outcome: 'dropped' }, events);
  }

  auditWriteFailed(): void {
    this.auditWriteFailures.inc();
  }

  delivery(subscription: string, outcome: DeliveryOutcome): void {
    this.deliveries.inc({
      subscription: this.bounds.subscription(subscription),
      outcome: DELIVERY_OUTCOMES.includes(outcome) ? outcome : OTHER,
    });
  }

  /**
   * Allows `subscriptions` as label values and starts their delivery counters at zero, so the
   * first dead letter of a subscription shows in `increase()` (and alerts).
   */
  initSubscriptions(subscriptions: Iterable<string>): void {
    const ids = [...subscriptions];
    this.bounds.allowSubscriptions(ids);
    for (const id of ids) {
      const subscription = this.bounds.subscription(id);
      for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ subscription, outcome }, 0);
    }
  }

  deliveryDuration(mode: DeliveryMode, seconds: number): void {
    this.deliveryDurations.observe({ mode: DELIVERY_MODES.includes(mode) ? mode : OTHER }, seconds);
  }

  /**
   * Reports the registry metrics from `source` at each scrape. Metrics read from a watched
   * source appear only once it is watched, so an app without that part shows no false zero.
   */
  watchRegistry(source: RegistryMetricsSource): void {
    if (!this.registrySource) this.registerRegistryMetrics();
    this.registrySource = source;
    this.registryAppliedSeen = Math.min(this.registryAppliedSeen, source.recordsApplied());
  }

  /** Reports `lienthong_consumer_lag` from `source` (a ConsumerLagCollector) at each scrape. */
  watchConsumerLag(source: ConsumerLagSource): void {
    if (!this.lagSource) {
      const gauge: Gauge<'group' | 'topic' | 'partition'> = new Gauge({
        name: 'lienthong_consumer_lag',
        help: 'Records not yet consumed: log end offset minus the committed offset of the group.',
        labelNames: ['group', 'topic', 'partition'],
        registers: this.registers,
        collect: async () => {
          const lags = (await this.lagSource?.lag()) ?? [];
          gauge.reset();
          for (const entry of lags) {
            // inc, not set: two topics bounded to `other` share one series.
            gauge.inc(
              {
                group: this.bounds.group(entry.group),
                topic: this.bounds.topic(entry.topic),
                partition: String(entry.partition),
              },
              entry.lag,
            );
          }
        },
      });
    }
    this.lagSource = source;
  }

  /** Reports `lienthong_kafka_reachable` from `probe` at each scrape (keep it cached and bounded). */
  watchKafka(probe: () => Promise<boolean>): void {
    if (!this.kafkaProbe) {
      const gauge: Gauge = new Gauge({
        name: 'lienthong_kafka_reachable',
        help: '1 when the Kafka cluster answered a metadata request at the last scrape.',
        registers: this.registers,
        collect: async () => {
          gauge.set((await this.kafkaProbe?.()) ? 1 : 0);
        },
      });
    }
    this.kafkaProbe = probe;
  }

  /** Reports the active gateway signing key and when it was created, at each scrape. */
  watchSigningKey(activeKey: () => SigningKeyInfo | undefined): void {
    if (!this.signingKey) {
      const gauge: Gauge<'kid'> = new Gauge({
        name: 'lienthong_signing_key_created_timestamp_seconds',
        help: 'When the active gateway signing key was created (Unix time); rotation is due by age.',
        labelNames: ['kid'],
        registers: this.registers,
        collect: () => {
          gauge.reset();
          const key = this.signingKey?.();
          if (key) gauge.set({ kid: key.kid }, key.createdAtMs / 1000);
        },
      });
    }
    this.signingKey = activeKey;
  }

  private registerRegistryMetrics(): void {
    const registers = this.registers;
    const applied: Counter = new Counter({
      name: 'lienthong_registry_records_applied_total',
      help: 'Registry log records this replica applied since it started.',
      registers,
      collect: () => {
        const now = this.registrySource?.recordsApplied() ?? 0;
        if (now > this.registryAppliedSeen) {
          applied.inc(now - this.registryAppliedSeen);
          this.registryAppliedSeen = now;
        }
      },
    });
    const caughtUp: Gauge = new Gauge({
      name: 'lienthong_registry_caught_up',
      help: '1 once this replica has applied the registry log up to where it ended at startup.',
      registers,
      collect: () => {
        caughtUp.set(this.registrySource?.isCaughtUp() ? 1 : 0);
      },
    });
    const types: Gauge = new Gauge({
      name: 'lienthong_registry_types',
      help: 'Registered message types.',
      registers,
      collect: () => {
        types.set(this.registrySource?.typeCount() ?? 0);
      },
    });
    const versions: Gauge<'state'> = new Gauge({
      name: 'lienthong_registry_schema_versions',
      help: 'Registered schema versions by state.',
      labelNames: ['state'],
      registers,
      collect: () => {
        const counts = this.registrySource?.versionCounts() ?? {};
        for (const state of SCHEMA_VERSION_STATES) versions.set({ state }, counts[state] ?? 0);
      },
    });
  }
}

function familyOf(topic: string): TopicFamily | typeof OTHER {
  return (TOPIC_FAMILIES as readonly string[]).includes(topic) ? (topic as TopicFamily) : topicFamily(topic);
}
