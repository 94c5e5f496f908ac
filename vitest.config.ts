import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['spec/**/*.spec.ts'],
    // Heap-flatness tests call gc(); worker-thread tests (issue 3) need forks, not threads.
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    // Checks once whether the servers of the distributed suites answer (issue 13); they skip, or fail under CI, if not.
    globalSetup: ['spec/servers.setup.ts'],
  },
});
