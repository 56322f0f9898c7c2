/** STACKLAB_WORKERS as the configuration reads it (server/http/config.ts). */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/http/config.js';

const env = (extra: Record<string, string>) => ({
  STACKLAB_DATA: join(mkdtempSync(join(tmpdir(), 'stacklab-workers-')), 'data'),
  STACKLAB_SECRET: 's',
  STACKLAB_INSTRUCTOR_TOKEN: 't',
  ...extra,
});

describe('STACKLAB_WORKERS', () => {
  it('defaults to one process; takes a count or auto (one per core)', () => {
    expect(loadConfig(env({})).workers).toBe(1);
    expect(loadConfig(env({ STACKLAB_WORKERS: '' })).workers).toBe(1);
    expect(loadConfig(env({ STACKLAB_WORKERS: '4' })).workers).toBe(4);
    expect(loadConfig(env({ STACKLAB_WORKERS: 'auto' })).workers).toBe(availableParallelism());
  });

  it('refuses anything else with a message naming the setting, and workers without a shared store', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '257', ' 2', '0x2', '1e1'])
      expect(() => loadConfig(env({ STACKLAB_WORKERS: bad })), bad).toThrow(
        /^STACKLAB_WORKERS must be/,
      );
    expect(() => loadConfig(env({ STACKLAB_WORKERS: '2', STACKLAB_STORE: 'memory' }))).toThrow(
      /^STACKLAB_WORKERS > 1 needs a store/,
    );
    expect(loadConfig(env({ STACKLAB_WORKERS: '1', STACKLAB_STORE: 'memory' })).workers).toBe(1);
  });
});
