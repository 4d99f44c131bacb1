import { configDefaults, defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 30_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'drumbeats',
          include: ['cli/**/*.test.ts', 'collector/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts', 'dashboard/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/bench-smoke.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The smoke bench loads both cores for a while: it runs alone, after
        // everything else, so it never slows a test that waits on a clock.
        test: { ...shared, name: 'bench-smoke', include: ['test/bench-smoke.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
