import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CLIENT_ASSERTION_TYPE,
  CLOCK_SKEW_SECONDS,
  PUBLISHER_SIGNATURE_MAX_AGE_SECONDS,
  createClientAssertion,
  signDetached,
} from '@lienthong/trust';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { FAULT_TYPE, dossier, runDigits } from './support/exactly-once.util.js';

/** Default client assertion lifetime of createClientAssertion (exp = iat + 60 s). */
const ASSERTION_LIFETIME_SECONDS = 60;

type Expectation = { ok: true } | { ok: false; reason: RegExp };

/**
 * Client assertions made on a clock `skew` seconds off the gateway's (signed with shifted iat and
 * exp, the system clock untouched). A clock ahead is allowed CLOCK_SKEW_SECONDS; a clock behind
 * as long as the assertion, dated by that clock, has not expired (60 s + the leeway).
 */
const ASSERTION_CASES: [number, Expectation][] = [
  [-300, { ok: false, reason: /has expired/ }],
  [-120, { ok: false, reason: /has expired/ }],
  [-(ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS - 10), { ok: true }],
  [-(CLOCK_SKEW_SECONDS - 5), { ok: true }],
  [0, { ok: true }],
  [CLOCK_SKEW_SECONDS - 5, { ok: true }],
  [CLOCK_SKEW_SECONDS + 15, { ok: false, reason: /in the future/ }],
  [120, { ok: false, reason: /in the future/ }],
  [300, { ok: false, reason: /in the future/ }],
];

/**
 * Publisher signatures dated `skew` seconds off: ahead by at most the leeway; behind by at most
 * PUBLISHER_SIGNATURE_MAX_AGE_SECONDS plus the leeway (a signature is valid that long).
 */
const SIGNATURE_CASES: [number, Expectation][] = [
  [
    -(PUBLISHER_SIGNATURE_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS + 30),
    { ok: false, reason: /too far in the past/ },
  ],
  [-300, { ok: true }],
  [-(CLOCK_SKEW_SECONDS - 5), { ok: true }],
  [0, { ok: true }],
  [CLOCK_SKEW_SECONDS - 5, { ok: true }],
  [CLOCK_SKEW_SECONDS + 15, { ok: false, reason: /in the future/ }],
  [120, { ok: false, reason: /in the future/ }],
  [300, { ok: false, reason: /in the future/ }],
];

/** docs/reliability.md, "Clock skew between a publisher and the gateway". */
describe('clock skew between a publisher and the gateway', () => {
  let gateway: RunningGateway;
  let agency: TestAgency;
  const run = runDigits();
  let n = 0;

  beforeAll(async () => {
    gateway = await startGateway();
    agency = await gateway.createAgency({ grants: { publish: [FAULT_TYPE] } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it.each(ASSERTION_CASES)('client assertion from a clock %i s off: %o', async (skew, expected) => {
    const assertion = await createClientAssertion({
      agencyId: agency.id,
      audience: gateway.config.issuer,
      privateKey: agency.privateKey,
      kid: agency.kid,
      alg: 'ES256',
      lifetimeSeconds: ASSERTION_LIFETIME_SECONDS,
      now: () => Date.now() + skew * 1000,
    });
    const response = await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      }),
    });
    const body = (await response.json()) as Record<string, string>;
    if (expected.ok) {
      expect([response.status, body['token_type']]).toEqual([200, 'Bearer']);
      return;
    }
    // RFC 6749 section 5.2: a stable error code; the description names the rule and the clock.
    expect(response.status).toBe(401);
    expect(body['error']).toBe('invalid_client');
    expect(body['error_description']).toMatch(expected.reason);
    expect(body['error_description']).toMatch(/Check the clock of the calling system/);
    expect(response.headers.get('date')).not.toBeNull();
  });

  it.each(SIGNATURE_CASES)('publisher signature from a clock %i s off: %o', async (skew, expected) => {
    const body = dossier(run, n++);
    const signature = await signDetached(Buffer.from(body), FAULT_TYPE, agency.privateKey, agency.kid, {
      now: () => Date.now() + skew * 1000,
    });
    const response = await fetch(`${gateway.url}/v1/messages/${FAULT_TYPE}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'lienthong-signature': signature,
        ...agency.auth(),
      },
      body,
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (expected.ok) {
      expect([response.status, typeof answer['receipt']]).toEqual([202, 'string']);
      return;
    }
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer).toMatchObject({ code: 'invalid-publisher-signature', status: 400 });
    expect(answer['receipt']).toBeUndefined();
    expect(answer['detail']).toMatch(expected.reason);
  });
});
