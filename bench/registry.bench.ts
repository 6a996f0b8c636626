/**
 * Registry benchmark (issue: schema registry). In one run, against a real broker:
 *  1. register 1,000 versions across 100 types through the log (read-your-writes latency);
 *  2. a fresh replica rebuilds its state from `lienthong.registry`, against a plain kafkajs
 *     consumer reading the same records (baseline) — ratio of the two times;
 *  3. validation throughput of a compiled registered schema (`SchemaValidators` →
 *     `CompiledSchema.validate`) against ajv called directly on the same schema and payloads.
 */
import { randomUUID } from 'node:crypto';
import { REGISTRY_TOPIC } from '@lienthong/registry';
import { RecordProducer, createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { startKafka } from '@lienthong/local-kafka';
import {
  registryTopicSpec,
  RegistryLog,
  RegistryState,
  SchemaRegistry,
  SchemaValidators,
  safeCompile,
} from '@lienthong/registry';
import type { SchemaRegistrationInput } from '@lienthong/registry';
import { checkCompatibility, compileUntrustedSchema, createSchemaCompiler } from '@lienthong/schema';
import type { Kafka } from 'kafkajs';
import { memoryMiB, percentiles, report, round, timeSync } from './support/stats.js';

const TYPES = Number(process.env['BENCH_TYPES'] ?? 100);
const VERSIONS_PER_TYPE = Number(process.env['BENCH_VERSIONS'] ?? 10);
const VALIDATIONS = Number(process.env['BENCH_VALIDATIONS'] ?? 200_000);

function replica(kafka: Kafka, producer: RecordProducer) {
  const state = new RegistryState(checkCompatibility);
  const log = new RegistryLog(kafka, producer, state);
  const validators = new SchemaValidators(state, safeCompile);
  const registry = new SchemaRegistry(log, state, {
    vet: (type, input) => validators.vet(type, input),
    compatibility: checkCompatibility,
    ensureRecordTopic: () => Promise.resolve(),
  });
  return { state, log, validators, registry };
}

/** Version n of a type: a closed model that gains one optional property per version (BACKWARD-compatible). */
function versionInput(n: number): SchemaRegistrationInput {
  const properties: Record<string, unknown> = {
    id: { type: 'string', pattern: '^[0-9]{12}$', maxLength: 12 },
    hoTen: { type: 'string', minLength: 1, maxLength: 100 },
    ngaySinh: { type: 'string', format: 'date' },
  };
  for (let i = 1; i < n; i++) properties[`field${i}`] = { type: 'integer', minimum: 0 };
  return {
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['id', 'hoTen'],
      properties,
    },
    metadata: {
      owner: '000.00.00.G12',
      description: { vi: 'Bản ghi thử nghiệm', en: 'Benchmark record' },
      keyPointer: '/id',
      personalData: ['/hoTen', '/ngaySinh'],
      signatureRequired: false,
      examples: [{ id: '001195012345', hoTen: 'Nguyễn Thị Ánh Tuyết', ngaySinh: '1995-03-08' }],
    },
  };
}

async function main(): Promise<void> {
  const broker = await startKafka({ log: (m) => process.stderr.write(`${m}\n`) });
  try {
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'bench-registry' });
    await ensureTopics(kafka, [registryTopicSpec(-1)]);
    const producer = new RecordProducer(kafka);
    await producer.connect();
    const writer = replica(kafka, producer);
    await writer.log.start();
    const before = writer.log.progress().offset;

    // 1. Registrations through the log.
    const run = randomUUID().slice(0, 8);
    const samples: bigint[] = [];
    const t0 = process.hrtime.bigint();
    for (let v = 1; v <= VERSIONS_PER_TYPE; v++) {
      for (let t = 0; t < TYPES; t++) {
        const s = process.hrtime.bigint();
        const result = await writer.registry.register(`bench.r${run}.t${t}`, versionInput(v));
        samples.push(process.hrtime.bigint() - s);
        if (result.version !== v) throw new Error(`expected version ${v}, got ${result.version}`);
      }
    }
    const registerSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    report('register (read-your-writes, through the log)', {
      versions: samples.length,
      types: TYPES,
      totalSeconds: round(registerSeconds),
      perSecond: round(samples.length / registerSeconds, 1),
      latencyMs: percentiles(samples),
    });
    const endOffset = writer.log.progress().offset;

    // 2. Rebuild: a fresh replica vs a plain consumer reading the same log.
    const baselineStart = process.hrtime.bigint();
    const baselineCount = await plainRead(kafka, endOffset);
    const baselineMs = Number(process.hrtime.bigint() - baselineStart) / 1e6;
    const heapBefore = memoryMiB().heapUsed;
    const fresh = replica(kafka, producer);
    const rebuildStart = process.hrtime.bigint();
    await fresh.log.start();
    const rebuildMs = Number(process.hrtime.bigint() - rebuildStart) / 1e6;
    report('rebuild state from the log (fresh replica) vs plain kafkajs read of the same records', {
      recordsInLog: Number(endOffset) + 1,
      recordsWrittenThisRun: Number(endOffset - before),
      typesInState: fresh.state.size().types,
      versionsInState: fresh.state.size().versions,
      lienthongRebuildMs: round(rebuildMs, 1),
      baselinePlainReadMs: round(baselineMs, 1),
      baselineRecords: baselineCount,
      ratio: round(rebuildMs / baselineMs, 2),
      heapAfterRebuildMiB: memoryMiB().heapUsed,
      heapDeltaMiB: round(memoryMiB().heapUsed - heapBefore, 1),
    });
    await fresh.log.stop();

    // 3. Validation: registered + compiled once vs ajv directly.
    const version = writer.state.latest(`bench.r${run}.t0`)!;
    const compiled = writer.validators.get(version);
    // Baselines: ajv with the same safe options (RE2 patterns), and plain ajv (backtracking
    // RegExp) — the second ratio is the price of linear-time regexes, not of Lienthong.
    const sameEngine = compileUntrustedSchema(version.schema).validate;
    const direct = createSchemaCompiler().compile(version.schema as Record<string, unknown>);
    const payloads = [
      { id: '001195012345', hoTen: 'Nguyễn Thị Ánh Tuyết', ngaySinh: '1995-03-08', field1: 3 },
      { id: '079307001122', hoTen: 'Trần Văn Bình', field2: 7, field9: 1 },
      { id: '12345', hoTen: '', ngaySinh: '1995-13-40', extra: true },
    ];
    // Warm both paths, then measure alternately so noise hits both.
    for (let i = 0; i < 20_000; i++) {
      compiled.validate(payloads[i % 3]);
      direct(payloads[i % 3]);
      sameEngine(payloads[i % 3]);
    }
    const ours = timeSync(VALIDATIONS, (i) => compiled.validate(payloads[i % 3]));
    const same = timeSync(VALIDATIONS, (i) => sameEngine(payloads[i % 3]));
    const base = timeSync(VALIDATIONS, (i) => direct(payloads[i % 3]));
    report('validation: registered compiled schema vs ajv called directly', {
      validations: VALIDATIONS,
      lienthongOpsPerSec: ours.opsPerSec,
      ajvSameOptionsRe2OpsPerSec: same.opsPerSec,
      ajvNativeRegExpOpsPerSec: base.opsPerSec,
      ratioVsAjvSameOptions: round(ours.opsPerSec / same.opsPerSec, 3),
      ratioVsAjvNativeRegExp: round(ours.opsPerSec / base.opsPerSec, 3),
      lienthongLatencyMs: percentiles(ours.samples, [50, 99, 99.9]),
      ajvSameOptionsLatencyMs: percentiles(same.samples, [50, 99, 99.9]),
      ajvNativeRegExpLatencyMs: percentiles(base.samples, [50, 99, 99.9]),
      memory: memoryMiB(),
    });

    await writer.log.stop();
    await producer.disconnect();
  } finally {
    await broker.stop();
  }
}

/** Baseline: read the registry topic from the start to `endOffset` with a bare consumer. */
async function plainRead(kafka: Kafka, endOffset: bigint): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-plain-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: REGISTRY_TOPIC, fromBeginning: true });
  let count = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        count++;
        if (message.value) JSON.parse(message.value.toString('utf8'));
        if (BigInt(message.offset) >= endOffset) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return count;
}

await main();
