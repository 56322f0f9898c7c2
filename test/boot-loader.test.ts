/**
 * The server's own TypeScript loader (server/boot/register.mjs): what npm start, the container and
 * the cluster's workers run. It compiles as tsx does but without keepNames, whose per-closure
 * `name` put ~20 closures per open terminal in dictionary mode, a tenth of the live heap at 2,000
 * learners (issue #19).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (loader: string, file: string, flags: string[] = []) => {
  const r = spawnSync(process.execPath, [...flags, '--import', loader, file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const LOADER = './server/boot/register.mjs';

describe('the server loader', () => {
  it('runs TypeScript, finds ./x.js as x.ts, keeps names, and points errors at the .ts line', () => {
    const r = run(LOADER, 'test/boot/fixture.ts', ['--allow-natives-syntax']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { sameMap: boolean; fast: boolean; name: string; kind: string; where: string };
    expect(out.kind).toBe('closure');
    expect(out.name).toBe('add');
    expect(out.where).toMatch(/test\/boot\/fixture\.ts:17:\d+\)$/);
    // A closure made in TypeScript is a plain function: fast properties, no property table of its own.
    expect(out.sameMap).toBe(true);
    expect(out.fast).toBe(true);
  });

  it('is why the server does not run under tsx: there, every named closure is in dictionary mode', () => {
    const r = run('tsx', 'test/boot/fixture.ts', ['--allow-natives-syntax']);
    const out = JSON.parse(r.stdout) as { sameMap: boolean; fast: boolean };
    expect(out.sameMap).toBe(false);
    expect(out.fast).toBe(false);
  });

  it('reports a missing module and a syntax error with their file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loader-'));
    writeFileSync(join(dir, 'missing.ts'), "import { x } from './nowhere.js';\nconsole.log(x);\n");
    writeFileSync(join(dir, 'broken.ts'), 'const a: number = ;\n');
    const missing = run(LOADER, join(dir, 'missing.ts'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('ERR_MODULE_NOT_FOUND');
    expect(missing.stderr).toContain('nowhere');
    const broken = run(LOADER, join(dir, 'broken.ts'));
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('broken.ts:1');
  });

  it('compiles a file again once it changed (what is kept is keyed by its text)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loader-'));
    const file = join(dir, 'changing.ts');
    writeFileSync(file, "const n: number = 1;\nconsole.log(n);\n");
    expect(run(LOADER, file).stdout).toBe('1\n');
    expect(run(LOADER, file).stdout).toBe('1\n');
    writeFileSync(file, "const n: number = 2;\nconsole.log(n);\n");
    expect(run(LOADER, file).stdout).toBe('2\n');
  });

  it('starts the server: npm start, the container and the cluster run it', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe(`node --import ${LOADER} server/main.ts serve`);
    expect(readFileSync('Dockerfile', 'utf8')).toContain(`CMD ["node", "--import", "${LOADER}", "server/main.ts", "serve"]`);
  });
});
