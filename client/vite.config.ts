import { defineConfig } from 'vite';

// The client is built into dist/client, which the server serves (`npm start` builds it first).
export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true },
  logLevel: 'warn',
});
