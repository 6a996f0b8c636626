/** Jest global teardown: stops the broker that global-setup.ts started (a no-op for an external one). */
export default async function globalTeardown(): Promise<void> {
  const handle = globalThis.__LIENTHONG_KAFKA__;
  globalThis.__LIENTHONG_KAFKA__ = undefined;
  await handle?.stop();
}
