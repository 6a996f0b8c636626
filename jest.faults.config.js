// `npm run test:faults`: the fault-injection suite (docs/reliability.md). Same transform and
// module mapping as the main suite, and the same global setup: the apps built once into
// dist/test-build and one shared broker; scenarios that kill a broker start their own. Long timeouts: these tests wait out outages and retries on purpose.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testTimeout: 300_000,
};
