#!/bin/sh
# Creates the key files docker-compose.yml mounts as secrets, in deploy/compose/secrets/:
#   gateway-signing-keys.json       the gateways' private JWKS (ES256): tokens, receipts; every
#                                   gateway replica and the router read the same file
#   webhook-signing-key.json        the router's Ed25519 key (EdDSA): webhook `v1a` signatures
#   key-pseudonym-secret.txt        the router's KEY_PSEUDONYM_SECRET_FILE: 32 random bytes, base64url
#   audit-signing-key.json          the Ed25519 audit key of gateways and router (docs/audit.md)
#   disclosure-subject-secret.txt   DISCLOSURE_SUBJECT_SECRET_FILE of gateways and router: 32 random
#                                   bytes, base64url (keys the subject hashes, docs/disclosures.md)
#   bootstrap-operator.jwks.json    the bootstrap operator's public JWKS (BOOTSTRAP_OPERATOR_JWKS)
#   bootstrap-operator.private.jwk.json   the operator's private key: keep it, give it to the
#                                   operator's `lienthong --key`, never to the gateway
# Needs Node.js and a built repository (`npm ci && npm run build` at the root). An existing file
# is kept, so running it again does not rotate anything (docs/operations.md, key rotation).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
trust="$root/dist/libs/trust/src/index.js"
out="$here/secrets"
[ -f "$trust" ] || { echo "build first: (cd $root && npm ci && npm run build)" >&2; exit 1; }
mkdir -p "$out"
umask 077

keyring() { # $1 = file, $2 = alg
  [ -f "$1" ] && { echo "kept $1"; return; }
  node --input-type=module -e "
    const { GatewayKeyring } = await import(process.argv[1]);
    const keyring = await GatewayKeyring.generate({ alg: process.argv[2] });
    process.stdout.write(JSON.stringify(await keyring.exportPrivateJwks()));" "$trust" "$2" > "$1"
  echo "wrote $1"
}
keyring "$out/gateway-signing-keys.json" ES256
keyring "$out/webhook-signing-key.json" EdDSA
keyring "$out/audit-signing-key.json" EdDSA

secret() { # $1 = file: 32 random bytes, base64url, kept once written
  if [ -f "$1" ]; then
    echo "kept $1"
  else
    node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" > "$1"
    echo "wrote $1"
  fi
}
secret "$out/key-pseudonym-secret.txt"
secret "$out/disclosure-subject-secret.txt"

if [ -f "$out/bootstrap-operator.jwks.json" ]; then
  echo "kept $out/bootstrap-operator.jwks.json"
else
  (cd "$root" && node --input-type=module -e "
    import { writeFileSync } from 'node:fs';
    import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pub = await exportJWK(publicKey);
    const meta = { kid: await calculateJwkThumbprint(pub), alg: 'ES256', use: 'sig' };
    writeFileSync(process.argv[1], JSON.stringify({ ...(await exportJWK(privateKey)), ...meta }));
    writeFileSync(process.argv[2], JSON.stringify({ keys: [{ ...pub, ...meta }] }));" \
    "$out/bootstrap-operator.private.jwk.json" "$out/bootstrap-operator.jwks.json")
  echo "wrote $out/bootstrap-operator.jwks.json and bootstrap-operator.private.jwk.json"
fi

# The containers run as uid 1000 (`node`); compose bind-mounts secret files as they are on disk.
chmod 0444 "$out/gateway-signing-keys.json" "$out/webhook-signing-key.json" "$out/audit-signing-key.json" \
  "$out/bootstrap-operator.jwks.json" "$out/key-pseudonym-secret.txt" "$out/disclosure-subject-secret.txt"
echo "secrets are world-readable for uid 1000 in the containers; keep $out on a host only operators reach"
