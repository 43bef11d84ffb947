import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/main.ts'),
          serve: resolve(__dirname, 'src/main/serve.ts'),
          host: resolve(__dirname, 'src/main/host/index.ts'),
          'terminal-host': resolve(__dirname, 'src/main/host/terminal-index.ts'),
          // Copied to remote machines with host.js (runtime/ssh/bootstrap.ts): launch, liveness and journal reads there.
          remote: resolve(__dirname, 'src/main/runtime/ssh/remote-helper.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          'mcp-bridge': resolve(__dirname, 'src/main/mcp/bridge.ts'),
          // Starts git for main, so libuv's wait for each exec does not hold main's loop (ADR 0030).
          spawner: resolve(__dirname, 'src/main/runtime/spawner-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // Minified: a page loads, parses and compiles about half the code (issue 16: board_paint_ms counts a fresh load).
      // BATON_NO_MINIFY=1 keeps the names, for a page profile a person can read (BENCH_PAGE_PROFILE).
      minify: process.env.BATON_NO_MINIFY !== '1',
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
    plugins: [react()],
  },
});
