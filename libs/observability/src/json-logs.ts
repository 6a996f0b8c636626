import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { DynamicModule, LogLevel } from '@nestjs/common';
import { GATEWAY_SIGNATURE_HEADER, PUBLISHER_SIGNATURE_HEADER } from '@lienthong/contracts';
import type { FastifyInstance } from 'fastify';
import type { MicroserviceParams } from 'nestjs-pino';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Level, LevelWithSilent, Logger as PinoLogger } from 'pino';
import { pino } from 'pino';

/** Levels of the JSON logs, as `LOG_LEVEL` takes them. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Injection token of an app's root pino logger. */
export const APP_LOG = Symbol('APP_LOG');

export interface JsonLogOptions {
  /** Nest-style levels (tests: `['error']`), or `false` for silence; overrides `LOG_LEVEL`. */
  logger?: LogLevel[] | false | undefined;
  /** Where the JSON lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream | undefined;
}

const NEST_TO_PINO: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const ORDER: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function levelOf(configured: LogLevelName, logger: LogLevel[] | false | undefined): LevelWithSilent {
  if (logger === undefined) return configured;
  if (logger === false || logger.length === 0) return 'silent';
  return ORDER[Math.min(...logger.map((l) => ORDER.indexOf(NEST_TO_PINO[l])))]!;
}

/** Headers that carry credentials or signatures, wherever a header object ends up in a line. */
const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'lienthong-signature',
  GATEWAY_SIGNATURE_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
  'idempotency-key',
  'webhook-signature',
];
const HEADER_PARENTS = ['req.headers', 'res.headers', 'request.headers', 'headers', 'message.headers'];

/**
 * Defence in depth: the serializers below never emit headers or bodies and no app logs a record,
 * but should anything log a request, a response, a header object, a Kafka message or a webhook
 * body, credentials and payloads are censored.
 */
export const REDACTED_PATHS: readonly string[] = [
  ...HEADER_PARENTS.flatMap((parent) => SECRET_HEADERS.map((h) => `${parent}["${h}"]`)),
  'authorization',
  'req.body',
  'request.body',
  'body',
  'payload',
  'rpc.payload',
  'value',
  'message.value',
  'message.key',
  'record.value',
  'record.key',
];

/** The path without its query string: query values may carry data. */
function pathOnly(url: string | undefined): string | undefined {
  return url?.split('?', 1)[0];
}

/**
 * An app's JSON logger: one root pino instance per process, `app` on every line, ISO time,
 * credentials and payloads redacted, requests reduced to id, method and path.
 */
export function createJsonLogger(
  app: string,
  configured: LogLevelName,
  options: JsonLogOptions = {},
): PinoLogger {
  return pino(
    {
      level: levelOf(configured, options.logger),
      base: { app },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      serializers: {
        // Only what identifies the request; never headers, bodies or the query string.
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: pathOnly(req.url),
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    options.logDestination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * nestjs-pino over the given root logger: Nest's own log lines become JSON with the request id
 * of the request (HTTP) or message (`microservice`) they happened in. Its per-request automatic
 * line is off; `logHttpRequests` writes the one line per request with the matched route instead.
 *
 * nestjs-pino keeps one root logger per process: the first app created in a process sets it, so
 * apps that share a process (tests, benchmarks) log through the first one's logger.
 */
export function jsonLoggerModule(
  logger: PinoLogger,
  options: { microservice?: MicroserviceParams } = {},
): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      autoLogging: false,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
    },
    ...(options.microservice && {
      microservice: {
        ...options.microservice,
        customAttributeKeys: { reqId: 'requestId', ...options.microservice.customAttributeKeys },
      },
    }),
  });
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Request ids double as correlation ids: a caller's `X-Request-Id` is kept when it is safe to log. */
export function httpRequestId(request: { headers: IncomingHttpHeaders }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** One line per request: id, method, matched route (pattern, not URL), status, duration. */
export function logHttpRequests(fastify: FastifyInstance, logger: PinoLogger): void {
  const requests = logger.child({ context: 'HTTP' });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const line = {
      requestId: request.id,
      method: request.method,
      route: request.is404 ? null : (request.routeOptions.url ?? null),
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (status >= 500) requests.error(line, 'request completed');
    else requests.info(line, 'request completed');
    done();
  });
}

/**
 * A start that failed (bad configuration, unreachable dependency) as one JSON line on stderr: the
 * configuration's own message names every wrong variable; anything else comes with its stack.
 */
export function logStartupFailure(
  app: string,
  error: unknown,
  isConfigError: boolean,
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): void {
  const logger = createJsonLogger(app, 'info', { logDestination: destination });
  if (isConfigError && error instanceof Error) logger.fatal(error.message);
  else logger.fatal({ err: error }, `${app} failed to start`);
}
