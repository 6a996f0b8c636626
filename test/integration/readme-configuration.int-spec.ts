import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { loadRouterConfig } from '../../apps/router/src/config/router-config.js';
import { loadSubscriberConfig } from '../../apps/subscriber-demo/src/subscriber-config.js';

/**
 * Every variable a configuration loader reads: the loader runs on an empty environment that
 * records each name asked for (it then fails validation, which is expected here: the reads
 * happen before the single throw at the end).
 */
function variablesRead(load: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const names = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>({}, {
    get(_target, name) {
      if (typeof name === 'string') names.add(name);
      return undefined;
    },
  });
  try {
    load(env);
  } catch {
    // an empty environment is invalid for each app; only the names matter
  }
  return [...names].sort();
}

/** The variable names in the first column of the first table under the README heading. */
function documentedVariables(heading: string): string[] {
  const lines = readFileSync('README.md', 'utf8').split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const names = new Set<string>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      inTable = true;
      const firstCell = line.split('|')[1] ?? '';
      for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(match[1]!);
    } else if (inTable) {
      break;
    }
  }
  return [...names].sort();
}

describe('README configuration tables', () => {
  it.each([
    ['## Configuration', 'gateway', loadGatewayConfig],
    ['### Router (`apps/router`)', 'router', loadRouterConfig],
    ['### Subscriber demo (`apps/subscriber-demo`)', 'subscriber demo', loadSubscriberConfig],
  ] as const)('%s lists exactly the variables the %s reads', (heading, _app, load) => {
    const read = variablesRead(load);
    expect(read.length).toBeGreaterThan(3);
    expect(documentedVariables(heading)).toEqual(read);
  });
});
