import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

/** Why a resolved address may not be called; undefined when it may. */
export type AddressGuard = (address: string) => string | undefined;

export interface WebhookSenderOptions {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxResponseBytes: number;
  /** Checked on every connection, after DNS resolution (so DNS rebinding cannot slip past). */
  guard: AddressGuard;
  /** Plain `http:` is allowed only for private-network testing. */
  allowHttp: boolean;
}

export type WebhookResult =
  { ok: true; status: number } | { ok: false; status?: number; error: string; retryable: boolean };

/**
 * POSTs one delivery: connect and response timeouts, a cap on the response size, no redirects
 * (a 3xx is a failure), and the address guard on every connection. 2xx means delivered.
 */
export class WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly options: WebhookSenderOptions) {}

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  send(target: string, body: Buffer, headers: Record<string, string>): Promise<WebhookResult> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.resolve({ ok: false, error: 'invalid-url', retryable: false });
    }
    const https = url.protocol === 'https:';
    if (!https && !(url.protocol === 'http:' && this.options.allowHttp)) {
      return Promise.resolve({ ok: false, error: 'scheme-not-allowed', retryable: false });
    }
    if (url.username || url.password)
      return Promise.resolve({ ok: false, error: 'credentials-in-url', retryable: false });
    // An IP literal never reaches `lookup`: check it here.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refused = this.options.guard(host);
      if (refused)
        return Promise.resolve({ ok: false, error: `address-refused: ${refused}`, retryable: false });
    }
    const requestOptions: RequestOptions = {
      method: 'POST',
      agent: https ? this.httpsAgent : this.httpAgent,
      headers: { ...headers, 'content-length': String(body.length) },
      lookup: this.guardedLookup(),
    };
    const request = https ? httpsRequest : httpRequest;
    return new Promise<WebhookResult>((resolve) => {
      let settled = false;
      const finish = (result: WebhookResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(responseTimer);
        resolve(result);
      };
      let responseTimer: NodeJS.Timeout | undefined;
      const req = request(url, requestOptions, (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.options.maxResponseBytes) {
            response.destroy();
            req.destroy();
            finish({ ok: false, status, error: 'response-too-large', retryable: true });
          }
        });
        response.on('end', () => {
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else if (status >= 300 && status < 400)
            finish({ ok: false, status, error: `redirect-refused ${status}`, retryable: true });
          else finish({ ok: false, status, error: `http ${status}`, retryable: true });
        });
        response.on('error', () => finish({ ok: false, status, error: 'response-aborted', retryable: true }));
      });
      const connectTimer = setTimeout(() => {
        req.destroy();
        finish({ ok: false, error: 'connect-timeout', retryable: true });
      }, this.options.connectTimeoutMs);
      const startResponseTimer = (): void => {
        clearTimeout(connectTimer);
        responseTimer ??= setTimeout(() => {
          req.destroy();
          finish({ ok: false, error: 'response-timeout', retryable: true });
        }, this.options.responseTimeoutMs);
      };
      req.on('socket', (socket) => {
        // A reused keep-alive socket is already connected.
        if (!socket.connecting) startResponseTimer();
        else socket.once(https ? 'secureConnect' : 'connect', startResponseTimer);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const refused = error.message.startsWith('address-refused');
        finish({
          ok: false,
          error: refused ? error.message : (error.code ?? 'request-failed'),
          retryable: !refused,
        });
      });
      req.end(body);
    });
  }

  /** `dns.lookup` that refuses the connection when any resolved address is not allowed. */
  private guardedLookup(): NonNullable<RequestOptions['lookup']> {
    const guard = this.options.guard;
    return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error);
        for (const a of addresses) {
          const refused = guard(a.address);
          if (refused) return callback(new Error(`address-refused: ${refused}`));
        }
        const all = (options as { all?: boolean }).all;
        if (all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(new Error('no address'));
        return callback(null, first.address, first.family);
      });
    }) as NonNullable<RequestOptions['lookup']>;
  }
}
