import type { CreateClientAssertionInput } from './client-assertion.js';
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from './client-assertion.js';

/** RFC 6749 section 5.1 answer, as a client reads it. */
export interface AccessTokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

/**
 * The client side of the token endpoint: makes a fresh `private_key_jwt` assertion and exchanges
 * it for an access token (client credentials, RFC 6749 section 4.4; RFC 7523 section 2.2).
 * Throws with the RFC 6749 `error` and description when the gateway refuses.
 */
export async function requestAccessToken(
  tokenEndpoint: string,
  input: CreateClientAssertionInput,
): Promise<AccessTokenResponse> {
  const assertion = await createClientAssertion(input);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }),
  });
  const body = (await response.json()) as Partial<AccessTokenResponse> & {
    error?: string;
    error_description?: string;
  };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(
      `token endpoint refused ${input.agencyId}: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim(),
    );
  }
  return body as AccessTokenResponse;
}
