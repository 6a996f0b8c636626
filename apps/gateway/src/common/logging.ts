import type { JsonLogOptions } from '@lienthong/observability';
import { createJsonLogger } from '@lienthong/observability';
import type { Logger as PinoLogger } from 'pino';
import type { GatewayLogLevel } from '../config/gateway-config.js';

// The JSON logging every app shares lives in @lienthong/observability (APP_LOG, jsonLoggerModule,
// logHttpRequests, imported from there); this file names the gateway.

/** The `app` field of every gateway log line. */
export const GATEWAY_APP_NAME = 'lienthong-gateway';

export type GatewayLogOptions = JsonLogOptions;

/** The gateway's root JSON logger: one pino instance per app. */
export function createGatewayPino(configured: GatewayLogLevel, options: GatewayLogOptions): PinoLogger {
  return createJsonLogger(GATEWAY_APP_NAME, configured, options);
}
