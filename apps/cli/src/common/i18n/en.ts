/**
 * English messages of the commands that speak both languages. `vi.ts` has the same members
 * (its type is this catalogue's), so a message missing from one language fails the type check.
 */
export const en = {
  keygen: {
    badAlg: (alg: string) => `--alg ${alg} is not one of ES256, EdDSA, PS256`,
    exists: (file: string) =>
      `${file} already exists; refusing to overwrite a key (move it away, or choose another --out)`,
    cannotWrite: (file: string, why: string) => `cannot write ${file}: ${why}`,
    wrotePrivate: (file: string) =>
      `Private key written to ${file} (mode 0600: readable by you only). Keep it secret; never send it.`,
    wrotePublic: (file: string) =>
      `Public JWK Set written to ${file}: hand it to the gateway operator (lienthong agency create … --jwks ${file}).`,
    kid: (kid: string, alg: string) => `Key id (RFC 7638 thumbprint): ${kid}, algorithm ${alg}.`,
  },
};

export type Messages = typeof en;
