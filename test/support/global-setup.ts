import { existsSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, resolve } from 'node:path';

import type { KafkaHandle } from '@lienthong/local-kafka';

declare global {
  /** The broker started for this Jest run; global-teardown.ts stops it. */
  var __LIENTHONG_KAFKA__: KafkaHandle | undefined;
}

/**
 * Jest global setup, once per run of either suite (jest.faults.config.js shares it):
 * - builds the apps the specs run as child processes, once, into the test build
 *   (test-build.util.ts; specs never build), first, so a broken build fails the run before a
 *   broker starts;
 * - starts one Kafka broker for the whole run (KAFKA_BROKERS, a testcontainers apache/kafka, or
 *   the local broker from the Apache Kafka jars; see docs/kafka.md) and exports its address as
 *   KAFKA_BROKERS, which the tests and the apps under test read.
 */
export default async function globalSetup(
  _globalConfig: unknown,
  projectConfig: { rootDir: string },
): Promise<void> {
  const restoreResolver = installSourceResolver(projectConfig.rootDir);
  try {
    const { buildForTests } = await import('./test-build.util.js');
    const started = Date.now();
    await buildForTests(projectConfig.rootDir);
    process.stderr.write(`[test-build] apps built in ${Date.now() - started} ms\n`);
    const { startKafka } = await import('@lienthong/local-kafka');
    const handle = await startKafka({ log: (message) => process.stderr.write(`[local-kafka] ${message}\n`) });
    globalThis.__LIENTHONG_KAFKA__ = handle;
    process.env.KAFKA_BROKERS = handle.brokers.join(',');
  } finally {
    restoreResolver();
  }
}

type ResolveFilename = (
  this: unknown,
  request: string,
  parent: { filename?: string } | undefined,
  ...rest: unknown[]
) => string;

/**
 * Jest loads global setup with plain `require` (sources transpiled by the configured transform)
 * and without `moduleNameMapper`, so the two mappings the tests rely on are applied here while
 * the lib loads: `@lienthong/<lib>` to libs/<lib>/src/index.ts and `./x.js` to `./x.ts` inside our
 * TypeScript sources.
 */
function installSourceResolver(rootDir: string): () => void {
  const internals = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    return original.call(this, mapRequest(rootDir, request, parent?.filename) ?? request, parent, ...rest);
  };
  return () => {
    internals._resolveFilename = original;
  };
}

function mapRequest(rootDir: string, request: string, parentFile: string | undefined): string | undefined {
  const lib = /^@lienthong\/([\w-]+)$/.exec(request)?.[1];
  if (lib) return join(rootDir, 'libs', lib, 'src', 'index.ts');
  if (request.startsWith('.') && request.endsWith('.js') && parentFile?.endsWith('.ts')) {
    const source = resolve(dirname(parentFile), `${request.slice(0, -3)}.ts`);
    if (existsSync(source)) return source;
  }
  return undefined;
}
