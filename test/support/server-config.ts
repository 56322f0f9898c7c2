/** A server configuration for in-process tests: loopback, port 0, a temporary data folder and a stub client page. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../server/http/config.js';

export function testConfig(name: string, env: Record<string, string> = {}): Config {
  const client = mkdtempSync(join(tmpdir(), 'stacklab-client-'));
  writeFileSync(join(client, 'index.html'), '<!doctype html><title>t</title>');
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STACKLAB_DATA: mkdtempSync(join(tmpdir(), `stacklab-${name}-`)),
    STACKLAB_SECRET: `${name}-secret`,
    STACKLAB_INSTRUCTOR_TOKEN: `${name}-instructor`,
    STACKLAB_STORE: 'memory',
    STACKLAB_CLIENT: client,
    ...env,
  });
}
