import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The client is built into dist/client, which the server serves (`npm start` builds it first);
// STACKLAB_CLIENT names another folder (the browser suite builds one per port).
export default defineConfig({
  root: 'client',
  build: { outDir: process.env['STACKLAB_CLIENT'] ? resolve(process.env['STACKLAB_CLIENT']) : '../dist/client', emptyOutDir: true },
  logLevel: 'warn',
});
