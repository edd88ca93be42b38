import tsconfigPaths from "vite-tsconfig-paths";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Two cores: integration files each own a database; run two at a time.
    maxWorkers: 2,
    projects: [
      {
        plugins: [tsconfigPaths()],
        test: {
          name: "app",
          include: ["app/**/*.test.ts", "ml/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/browser/**", "test/functions/**"],
          globalSetup: ["test/helpers/global-setup.ts"],
          setupFiles: ["test/helpers/setup-file.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      // The admin in Chromium against the built production server (skipped without Chromium).
      {
        plugins: [tsconfigPaths()],
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/helpers/global-setup.ts"],
          setupFiles: ["test/helpers/setup-file.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      // The discount function's built WebAssembly module, run under node:wasi (skipped until built).
      {
        plugins: [tsconfigPaths()],
        test: {
          name: "functions",
          include: ["test/functions/**/*.test.ts"],
          // Once TurboFan optimizes node:wasi's calls into fast API calls, Node 22 can crash with
          // SIGSEGV (nodejs/node#53087): a quarter of the runs did here. The slow calls are correct.
          execArgv: ["--no-turbo-fast-api-calls"],
        },
      },
      // Extensions test in a DOM of their own, with no database.
      "extensions/*/vitest.config.ts",
    ],
  },
});
