/**
 * True when testcontainers finds a container runtime that answers (DOCKER_HOST,
 * ~/.testcontainers.properties, the Docker socket, rootless sockets...). Bounded by `timeoutMs`, so a
 * machine with only the docker CLI and no engine decides in milliseconds.
 */
export async function isDockerEngineAvailable(timeoutMs = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = (async (): Promise<boolean> => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      const client = await getContainerRuntimeClient();
      return Boolean(client.info.engine.serverVersion);
    } catch {
      return false;
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
