import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

import { buildLog4j2Properties, buildServerProperties, randomClusterId } from './broker-config.util.js';
import { findFreePorts } from './free-port.util.js';
import {
  isProcessAlive,
  resolveJavaBin,
  runJava,
  signalProcess,
  waitForExit,
  WATCHDOG_LAUNCHER,
} from './java-process.util.js';
import type { KafkaHandle } from './kafka-handle.types.js';
import { ensureKafkaJars } from './kafka-jars-cache.js';
import { waitForBroker, warmUpCoordinators } from './wait-for-broker.util.js';

export interface LocalJarsBrokerOptions {
  cacheRoot: string;
  kafkaVersion: string;
  startupTimeoutMs: number;
  log: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  /** JVM maximum heap, e.g. '512m'. Default: $LIENTHONG_KAFKA_HEAP or 512m. */
  maxHeap?: string;
}

type LauncherProcess = ChildProcessByStdio<Writable, Readable, Readable>;

const HOST = '127.0.0.1';
const FORMAT_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 20_000;
const START_ATTEMPTS = 2;

/** Starts a single-node KRaft broker from the official Apache Kafka jars (fetched once by Maven). */
export async function startLocalJarsBroker(options: LocalJarsBrokerOptions): Promise<KafkaHandle> {
  const env = options.env ?? process.env;
  const javaBin = resolveJavaBin(env);
  const libsDir = await ensureKafkaJars(options.cacheRoot, options.kafkaVersion, options.log);
  const classpath = join(libsDir, '*');
  const maxHeap = options.maxHeap ?? env.LIENTHONG_KAFKA_HEAP ?? '512m';

  for (let attempt = 1; ; attempt++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-kafka-'));
    try {
      return await startOnce({ ...options, javaBin, classpath, maxHeap, dataDir });
    } catch (error) {
      if (attempt < START_ATTEMPTS && error instanceof PortTakenError) {
        options.log(`a port was taken before the broker bound it; retrying (${error.message})`);
        await rm(dataDir, { recursive: true, force: true });
        continue;
      }
      throw error;
    }
  }
}

class PortTakenError extends Error {}

interface StartOnceOptions extends LocalJarsBrokerOptions {
  javaBin: string;
  classpath: string;
  maxHeap: string;
  dataDir: string;
}

async function startOnce(options: StartOnceOptions): Promise<KafkaHandle> {
  const { javaBin, classpath, dataDir, log } = options;
  const started = Date.now();
  const [brokerPort, controllerPort] = await findFreePorts(2, HOST);
  if (brokerPort === undefined || controllerPort === undefined) throw new Error('no free ports');
  const brokers = [`${HOST}:${brokerPort}`];
  const propertiesFile = join(dataDir, 'server.properties');
  const log4jFile = join(dataDir, 'log4j2.properties');
  const logFile = join(dataDir, 'kafka.log');
  const javaOutFile = join(dataDir, 'java.out');
  const logDir = join(dataDir, 'logs');
  await mkdir(logDir);
  await writeFile(propertiesFile, buildServerProperties({ host: HOST, brokerPort, controllerPort, logDir }));
  await writeFile(log4jFile, buildLog4j2Properties(logFile));

  const commonJvmArgs = [
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    `-Dkafka.logs.dir=${dataDir}`,
    '-cp',
    classpath,
  ];
  const clusterId = randomClusterId(randomBytes);
  try {
    await runJava(
      javaBin,
      [
        '-Xmx256m',
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        ...commonJvmArgs,
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        propertiesFile,
      ],
      FORMAT_TIMEOUT_MS,
    );
  } catch (error) {
    throw new Error(`kafka storage format failed (data dir kept: ${dataDir}): ${(error as Error).message}`, {
      cause: error,
    });
  }

  const child: LauncherProcess = spawn(
    'sh',
    [
      '-c',
      WATCHDOG_LAUNCHER,
      'lienthong-kafka',
      dataDir,
      javaBin,
      '-Xms128m',
      `-Xmx${options.maxHeap}`,
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      ...commonJvmArgs,
      'kafka.Kafka',
      propertiesFile,
    ],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let launcherOutput = '';
  child.stderr.on('data', (chunk: Buffer) => {
    launcherOutput = (launcherOutput + chunk.toString('utf8')).slice(-4_000);
  });
  child.stdin.on('error', () => undefined);
  const javaPid = await readJavaPid(child);

  const broker = new LocalBroker(child, javaPid, dataDir);
  try {
    await waitForBroker(brokers, {
      timeoutMs: options.startupTimeoutMs,
      failFast: () =>
        child.exitCode !== null || child.signalCode !== null
          ? `the Kafka JVM exited (${child.signalCode ?? `exit ${child.exitCode}`})`
          : undefined,
    });
    await warmUpCoordinators(brokers);
  } catch (error) {
    await broker.kill();
    const diagnostics = [
      section('kafka.log', tail(logFile, 30)),
      section('java.out', tail(javaOutFile, 15)),
      section('launcher', launcherOutput.trim()),
    ].join('');
    if (/Address already in use|BindException/.test(diagnostics)) {
      throw new PortTakenError(`broker port ${brokerPort} or controller port ${controllerPort}`, {
        cause: error,
      });
    }
    throw new Error(
      `Local Kafka ${options.kafkaVersion} did not start: ${(error as Error).message}\n` +
        `  broker log: ${logFile}\n  JVM output: ${javaOutFile}${diagnostics}`,
      { cause: error },
    );
  }
  // From now on the data dir goes away with the broker, whoever stops it.
  await writeFile(join(dataDir, '.remove-on-exit'), '');
  // The broker lives as long as this process wants it, not longer: it does not keep Node alive,
  // and when Node goes away (even by SIGKILL) the closed stdin pipe makes the launcher stop java.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void }).unref?.();
  }
  activeBrokers.add(broker);
  installExitHook();
  log(
    `local Kafka ${options.kafkaVersion} up at ${brokers.join(',')} in ${Date.now() - started} ms (log: ${logFile})`,
  );
  return {
    brokers,
    mode: 'local-jars',
    stop: () => broker.stop(),
  };
}

class LocalBroker {
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly child: LauncherProcess,
    private readonly javaPid: number,
    private readonly dataDir: string,
  ) {}

  /** Graceful stop: SIGTERM (controlled shutdown), SIGKILL after a grace period, data dir removed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      activeBrokers.delete(this);
      uninstallExitHookIfIdle();
      await this.kill();
      await rm(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  /**
   * Ends java and then the launcher. java is signalled directly (not through the stdin pipe, which
   * would mark the data dir for removal), so the data dir of a failed start stays for reading.
   */
  async kill(): Promise<void> {
    signalProcess(this.javaPid, 'SIGTERM');
    if (!(await waitForExit(this.child, STOP_GRACE_MS))) {
      signalProcess(this.javaPid, 'SIGKILL');
      if (this.child.pid !== undefined) signalProcess(-this.child.pid, 'SIGKILL');
      await waitForExit(this.child, 5_000);
    }
    this.child.stdin.end();
  }

  /** Synchronous last resort for process 'exit': the launcher removes the data dir after java. */
  killNow(): void {
    if (isProcessAlive(this.javaPid)) signalProcess(this.javaPid, 'SIGTERM');
  }
}

function readJavaPid(child: LauncherProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      cleanup();
      const pid = Number(buffered.slice(0, newline).trim());
      if (Number.isInteger(pid) && pid > 0) resolve(pid);
      else reject(new Error(`unexpected launcher output: ${buffered}`));
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`the Kafka launcher exited before starting java (exit ${code})`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function section(title: string, text: string): string {
  return text ? `\n--- ${title} (last lines) ---\n${text}` : '';
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// Process hook shared by every local broker of this process. There is deliberately no SIGINT or
// SIGTERM handler: one would change what those signals do to the process (an application that
// handles them may still need Kafka while it drains, and libraries such as signal-exit re-raise
// the signal only when they are alone). A process ended by a signal, or by SIGKILL, closes the
// launcher's stdin pipe, and the launcher then stops java and removes the data directory.
const activeBrokers = new Set<LocalBroker>();
let exitHookInstalled = false;

/** Normal exit with brokers still running (stop() never called): SIGTERM java right away. */
function onProcessExit(): void {
  for (const broker of activeBrokers) broker.killNow();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', onProcessExit);
}

function uninstallExitHookIfIdle(): void {
  if (!exitHookInstalled || activeBrokers.size > 0) return;
  exitHookInstalled = false;
  process.off('exit', onProcessExit);
}
