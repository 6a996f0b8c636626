export interface DockerProbeResult {
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
}

/**
 * Asks testcontainers for a container runtime that answers (DOCKER_HOST,
 * ~/.testcontainers.properties, the Docker socket, rootless sockets...). Bounded by `timeoutMs`,
 * so a machine with only the docker CLI and no engine decides at once.
 */
export async function probeDockerEngine(timeoutMs = 5_000): Promise<DockerProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DockerProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ available: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const probe = (async (): Promise<DockerProbeResult> => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      const client = await getContainerRuntimeClient();
      return client.info.containerRuntime.serverVersion
        ? { available: true }
        : { available: false, reason: 'the container runtime reports no server version' };
    } catch (error) {
      return { available: false, reason: error instanceof Error ? error.message : String(error) };
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
