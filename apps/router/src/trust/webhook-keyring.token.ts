/** The Ed25519 keyring of the webhook `v1a` signatures (WEBHOOK_SIGNING_KEY_FILE). */
export const WEBHOOK_KEYRING = Symbol('WEBHOOK_KEYRING');
