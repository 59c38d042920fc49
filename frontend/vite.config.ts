/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Django serves the build from /static/portal/ (frontend/static/portal is the app's static
// folder, git-ignored). In development Django's template loads the entries from this dev server
// (django-vite, PORTAL_DEV_SERVER=1) so HMR works while login, CSRF and sessions stay Django's.
export default defineConfig({
  base: "/static/portal/",
  plugins: [react()],
  build: {
    outDir: "static/portal",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    // GraphiQL's Monaco editor is one large lazy chunk, loaded only on the API explorer page.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      onwarn(warning, warn) {
        // GraphiQL's packages carry React-compiler directives that bundling drops harmlessly.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      input: {
        portal: "src/main.tsx",
        graphiql: "src/graphiql/main.tsx",
      },
    },
  },
  optimizeDeps: {
    // GraphiQL's worker setup imports Monaco workers with `?worker`, which only Vite's own
    // transform (not the dependency pre-bundler) understands.
    exclude: ["graphiql/setup-workers/vite", "@graphiql/react/setup-workers/vite"],
  },
  worker: { format: "es" },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    origin: "http://127.0.0.1:5173",
    cors: { origin: /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/ },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
