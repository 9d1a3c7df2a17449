// One build for every page of the console. FastAPI serves dist/assets at /assets and the
// templates find each page's files in dist/.vite/manifest.json.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  // Nothing to copy verbatim: the shell's CSS and the templates are served by FastAPI.
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    // Chromium, Firefox and Safari of the last two years: no transpiling of what they run.
    target: "es2022",
    rollupOptions: {
      input: {
        login: "src/pages/login.ts",
        events: "src/pages/events.ts",
        event: "src/pages/event.ts",
        "event-settings": "src/pages/event-settings.ts",
        users: "src/pages/users.ts",
        report: "src/pages/report.ts",
        accounts: "src/accounts/page.ts",
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "happy-dom",
  },
});
