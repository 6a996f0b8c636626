import type { DynamicModule, LogLevel } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Level, LevelWithSilent, Logger as PinoLogger } from 'pino';
import { pino } from 'pino';
import type { GatewayLogLevel } from '../config/gateway-config.js';

/** The app's root pino logger. */
export const GATEWAY_LOG = Symbol('GATEWAY_LOG');

export interface GatewayLogOptions {
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

function levelOf(configured: GatewayLogLevel, logger: LogLevel[] | false | undefined): LevelWithSilent {
  if (logger === undefined) return configured;
  if (logger === false || logger.length === 0) return 'silent';
  return ORDER[Math.min(...logger.map((l) => ORDER.indexOf(NEST_TO_PINO[l])))]!;
}

/**
 * Defence in depth: the serializers below never emit headers or bodies, but should anything log
 * a request, a response or a header object, credentials are censored.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["lienthong-signature"]',
  'req.headers["idempotency-key"]',
  'req.body',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["lienthong-signature"]',
  'authorization',
  'body',
  'payload',
];

/** The path without its query string: query values may carry data. */
function pathOnly(url: string | undefined): string | undefined {
  return url?.split('?', 1)[0];
}

/** The gateway's JSON logger: one root pino instance per app. */
export function createGatewayPino(configured: GatewayLogLevel, options: GatewayLogOptions): PinoLogger {
  return pino(
    {
      level: levelOf(configured, options.logger),
      base: { app: 'lienthong-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
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
 * of the request they happened in. Its per-request automatic line is off; `logRequests` writes
 * the one line per request with the matched route instead.
 */
export function gatewayLoggerModule(logger: PinoLogger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      autoLogging: false,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
    },
  });
}

/** One line per request: id, method, matched route (pattern, not URL), status, duration. */
export function logRequests(fastify: FastifyInstance, logger: PinoLogger): void {
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
