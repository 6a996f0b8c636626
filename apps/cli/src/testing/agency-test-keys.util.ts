import type { JWK } from 'jose';
import { exportJWK, generateKeyPair } from 'jose';

/** A freshly generated agency key pair as JWKs: the private file and the registered public key. */
export interface AgencyTestKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Generates an agency key like the ones `npm start` writes: a private JWK with `kid` and `alg`. */
export async function generateAgencyTestKey(
  alg: 'ES256' | 'EdDSA' | 'RS256' = 'ES256',
  kid = `k-${alg.toLowerCase()}`,
): Promise<AgencyTestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}
