/**
 * Commands to the router (replay, redrive), written by the gateway's
 * `POST /v1/subscriptions/{id}/replay` and `.../redrive` to `lienthong.router.commands`
 * (one partition, key = subscription id). Routers share one consumer group on it, so each
 * command runs once; it is committed only after it completed (a crash re-runs it: deliveries
 * may repeat with the same `ce_id`, never go missing).
 */
export const ROUTER_COMMAND_TOPIC = 'lienthong.router.commands';
export const ROUTER_COMMAND_FORMAT = 1;

interface CommandBase {
  format: typeof ROUTER_COMMAND_FORMAT;
  /** Unique per request (UUID); echoed in `lienthong-command` on every delivery it makes. */
  commandId: string;
  subscriptionId: string;
  /** Agency that asked (audit). */
  requestedBy: string;
  /** ISO time of the request. */
  at: string;
}

/** Re-deliver every record of the subscription's types accepted at or after `since`. */
export interface ReplayCommand extends CommandBase {
  kind: 'replay';
  since: string;
}

/** Send the subscription's dead letters again; those dead-lettered before `since` are skipped. */
export interface RedriveCommand extends CommandBase {
  kind: 'redrive';
  since?: string;
}

export type RouterCommand = ReplayCommand | RedriveCommand;

/** Reads a command from its Kafka value; undefined when it is not one. */
export function parseRouterCommand(value: Buffer | null): RouterCommand | undefined {
  if (value === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const c = parsed as {
    format?: unknown;
    kind?: unknown;
    commandId?: unknown;
    subscriptionId?: unknown;
    requestedBy?: unknown;
    at?: unknown;
    since?: unknown;
  } | null;
  if (
    !c ||
    c.format !== ROUTER_COMMAND_FORMAT ||
    typeof c.commandId !== 'string' ||
    typeof c.subscriptionId !== 'string' ||
    typeof c.requestedBy !== 'string' ||
    typeof c.at !== 'string'
  ) {
    return undefined;
  }
  if (c.kind === 'replay' && typeof c.since === 'string' && !Number.isNaN(Date.parse(c.since))) {
    return c as unknown as ReplayCommand;
  }
  if (
    c.kind === 'redrive' &&
    (c.since === undefined || (typeof c.since === 'string' && !Number.isNaN(Date.parse(c.since))))
  ) {
    return c as unknown as RedriveCommand;
  }
  return undefined;
}

/** The Kafka message for a command (what the gateway produces). */
export function routerCommandMessage(command: RouterCommand): { key: string; value: Buffer } {
  return { key: command.subscriptionId, value: Buffer.from(JSON.stringify(command), 'utf8') };
}
