// `npm test` runs real tools against what we ship: promtool and prometheus (metrics, alert
// rules, dashboards), docker-compose (the compose file) and kubectl (renders the Kubernetes
// manifests; no cluster needed). They come from Debian packages; on a fresh Debian machine where
// we are root this installs the missing ones once, elsewhere it says what to install.
import { execFileSync, spawnSync } from 'node:child_process';

const PACKAGE_OF = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  'docker-compose': 'docker-compose',
  kubectl: 'kubectl',
};

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = Object.keys(PACKAGE_OF).filter((tool) => !has(tool));
if (missing.length > 0) {
  const packages = [...new Set(missing.map((tool) => PACKAGE_OF[tool]))];
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    console.error(
      `npm test needs ${missing.join(', ')}: install the Debian packages ${packages.join(' ')} (or put the tools on PATH).`,
    );
    process.exit(1);
  }
  console.log(`installing Debian packages ${packages.join(' ')} for ${missing.join(', ')}…`);
  execFileSync(
    'sh',
    [
      '-c',
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages.join(' ')} >/dev/null`,
    ],
    { stdio: 'inherit' },
  );
}
