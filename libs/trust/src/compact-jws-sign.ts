import { KeyObject, sign } from 'node:crypto';
import type { CryptoKey } from 'jose';
import type { GatewayAlgorithm } from './compact-jws.util.js';

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/**
 * Signs a compact JWS (RFC 7515 section 7.1) with one of the gateway's algorithms: ES256 (ECDSA
 * P-256 with SHA-256, signature as R || S, RFC 7518 section 3.4) or EdDSA (Ed25519, RFC 8037).
 * The same bytes jose's CompactSign produces, with less work on the event loop: the signature is
 * computed by node:crypto on the libuv thread pool, and nothing else is copied or validated
 * twice. Receipts and delivery signatures are signed once per record, so this is on the hot path
 * (docs/benchmarks.md). The caller owns the header: it must name `alg` (checked here).
 */
export async function signCompactJws(
  header: { alg: GatewayAlgorithm } & Record<string, unknown>,
  payload: Uint8Array | string,
  key: CryptoKey,
): Promise<string> {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  const data = Buffer.from(signingInput);
  const keyObject = keyObjectOf(key);
  const signature = await new Promise<Buffer>((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    if (header.alg === 'ES256') {
      if (keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        return reject(new TypeError('ES256 needs an EC P-256 key'));
      }
      sign('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, done);
    } else if (header.alg === 'EdDSA') {
      if (keyObject.asymmetricKeyType !== 'ed25519')
        return reject(new TypeError('EdDSA needs an Ed25519 key'));
      sign(null, data, keyObject, done);
    } else {
      reject(new TypeError(`unsupported alg ${String(header.alg)}`));
    }
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}
