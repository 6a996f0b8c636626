import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
import type { RestartableKafkaHandle } from './kafka-handle.types.js';
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
  /**
   * Keep the broker's data here across runs: formatted on first use, reused after (topics and
   * records survive a stop), never removed. Default: a temporary dir removed at stop.
   */
  dataDir?: string;
}

type LauncherProcess = ChildProcessByStdio<Writable, Readable, Readable>;

const HOST = '127.0.0.1';
const FORMAT_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 20_000;
const START_ATTEMPTS = 2;

/** Starts a single-node KRaft broker from the official Apache Kafka jars (fetched once by Maven). */
export async function startLocalJarsBroker(options: LocalJarsBrokerOptions): Promise<RestartableKafkaHandle> {
  const env = options.env ?? process.env;
  const javaBin = resolveJavaBin(env);
  const libsDir = await ensureKafkaJars(options.cacheRoot, options.kafkaVersion, options.log);
  const classpath = join(libsDir, '*');
  const maxHeap = options.maxHeap ?? env.LIENTHONG_KAFKA_HEAP ?? '512m';

  const kept = options.dataDir;
  for (let attempt = 1; ; attempt++) {
    const dataDir = kept ?? (await mkdtemp(join(tmpdir(), 'lienthong-kafka-')));
    if (kept !== undefined) {
      await mkdir(join(kept, 'logs'), { recursive: true });
      await writeFile(join(kept, KEEP), '');
      await rm(join(kept, REMOVE_ON_EXIT), { force: true });
    }
    try {
      return await startOnce({ ...options, javaBin, classpath, maxHeap, dataDir, keep: kept !== undefined });
    } catch (error) {
      if (attempt < START_ATTEMPTS && error instanceof PortTakenError) {
        options.log(`a port was taken before the broker bound it; retrying (${error.message})`);
        if (kept === undefined) await rm(dataDir, { recursive: true, force: true });
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
  /** The data dir is kept across runs: formatted only once, never removed. */
  keep: boolean;
}

async function startOnce(options: StartOnceOptions): Promise<RestartableKafkaHandle> {
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
  await mkdir(logDir, { recursive: true });
  // The metadata log of a kept data dir already holds its cluster id: format only a new one.
  const formatted = options.keep && existsSync(join(logDir, 'meta.properties'));
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
    if (!formatted)
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

  const launch = (): Promise<LaunchedJava> =>
    launchJava({
      ...options,
      commonJvmArgs,
      brokers,
      brokerPort,
      controllerPort,
      logFile,
      javaOutFile,
      propertiesFile,
    });
  const broker = new LocalBroker(await launch(), dataDir, launch, options.keep);
  await broker.adopt();
  activeBrokers.add(broker);
  installExitHook();
  log(
    `local Kafka ${options.kafkaVersion} up at ${brokers.join(',')} in ${Date.now() - started} ms (log: ${logFile})`,
  );
  return {
    brokers,
    mode: 'local-jars',
    dataDir,
    stop: () => broker.stop(),
    kill: (signal) => broker.crash(signal),
    restart: () => broker.restart(),
    pause: () => broker.signal('SIGSTOP'),
    resume: () => broker.signal('SIGCONT'),
    get running() {
      return broker.running;
    },
  };
}

interface LaunchOptions extends StartOnceOptions {
  commonJvmArgs: string[];
  brokers: string[];
  brokerPort: number;
  controllerPort: number;
  logFile: string;
  javaOutFile: string;
  propertiesFile: string;
}

interface LaunchedJava {
  child: LauncherProcess;
  javaPid: number;
}

/** Runs the broker JVM in the watchdog launcher and waits until it answers metadata requests. */
async function launchJava(options: LaunchOptions): Promise<LaunchedJava> {
  const { javaBin, dataDir, commonJvmArgs, brokers, brokerPort, controllerPort } = options;
  const { logFile, javaOutFile, propertiesFile } = options;
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
    await stopJava(child, javaPid);
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
  return { child, javaPid };
}

class LocalBroker {
  private stopping: Promise<void> | undefined;
  private java: LaunchedJava | undefined;

  constructor(
    java: LaunchedJava,
    private readonly dataDir: string,
    private readonly launch: () => Promise<LaunchedJava>,
    private readonly keep: boolean,
  ) {
    this.java = java;
  }

  get running(): boolean {
    return this.java !== undefined && this.stopping === undefined;
  }

  /**
   * Once the broker is up: its data dir goes away with it, whoever stops it, and it lives as long
   * as this process wants it, not longer. It does not keep Node alive, and when Node goes away
   * (even by SIGKILL) the closed stdin pipe makes the launcher stop java.
   */
  async adopt(): Promise<void> {
    const { child } = this.java!;
    if (!this.keep) await writeFile(join(this.dataDir, REMOVE_ON_EXIT), '');
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
  }

  /** Graceful stop: SIGTERM (controlled shutdown), SIGKILL after a grace period, data dir removed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      activeBrokers.delete(this);
      uninstallExitHookIfIdle();
      if (this.java) await stopJava(this.java.child, this.java.javaPid);
      this.java = undefined;
      if (!this.keep) await rm(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  /**
   * Kills the broker the way a crash would (SIGKILL by default: no controlled shutdown, nothing
   * flushed by Kafka itself) and keeps its data dir and ports for `restart`.
   */
  async crash(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    if (this.stopping) throw new Error('the broker was stopped');
    const java = this.java;
    if (!java) return;
    this.java = undefined;
    // Unmarked, the data dir outlives java (the launcher removes only a marked one).
    await rm(join(this.dataDir, REMOVE_ON_EXIT), { force: true });
    signalProcess(java.javaPid, signal);
    if (!(await waitForExit(java.child, STOP_GRACE_MS))) {
      signalProcess(java.javaPid, 'SIGKILL');
      await waitForExit(java.child, 5_000);
    }
    java.child.stdin.end();
  }

  /** Starts the broker again on the same ports and data dir, after `crash`. */
  async restart(): Promise<void> {
    if (this.stopping) throw new Error('the broker was stopped');
    if (this.java) throw new Error('the broker is running; kill it first');
    this.java = await this.launch();
    await this.adopt();
  }

  /** Stops or continues the running JVM (a stall without a crash). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (!this.java) throw new Error('the broker is not running');
    signalProcess(this.java.javaPid, signal);
  }

  /** Synchronous last resort for process 'exit': the launcher removes the data dir after java. */
  killNow(): void {
    if (this.java && isProcessAlive(this.java.javaPid)) signalProcess(this.java.javaPid, 'SIGTERM');
  }
}

/** Marker file: the launcher removes the data dir after java exits only when it is there. */
const REMOVE_ON_EXIT = '.remove-on-exit';
/** Marks a data dir kept across runs: the launcher never removes it. */
const KEEP = '.keep';

/**
 * Ends java and then the launcher. java is signalled directly (not through the stdin pipe, which
 * would mark the data dir for removal), so the data dir of a failed start stays for reading.
 */
async function stopJava(child: LauncherProcess, javaPid: number): Promise<void> {
  signalProcess(javaPid, 'SIGTERM');
  signalProcess(javaPid, 'SIGCONT'); // a paused JVM acts on SIGTERM only once it runs again
  if (!(await waitForExit(child, STOP_GRACE_MS))) {
    signalProcess(javaPid, 'SIGKILL');
    if (child.pid !== undefined) signalProcess(-child.pid, 'SIGKILL');
    await waitForExit(child, 5_000);
  }
  child.stdin.end();
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
