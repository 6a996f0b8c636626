// `npm test` runs the real Prometheus tools (promtool, prometheus) against our metrics, alert
// rules and dashboards. They come from Debian's `prometheus` package; on a fresh Debian machine
// where we are root this installs it once, elsewhere it says what to install.
import { execFileSync, spawnSync } from 'node:child_process';

const missing = ['promtool', 'prometheus'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canInstall) {
    console.error(
      `npm test needs ${missing.join(' and ')}: install Debian's "prometheus" package (or put both binaries on PATH).`,
    );
    process.exit(1);
  }
  console.log(`installing Debian's prometheus package for ${missing.join(' and ')}…`);
  execFileSync(
    'sh',
    [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null',
    ],
    {
      stdio: 'inherit',
    },
  );
}
