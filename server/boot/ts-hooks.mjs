/**
 * Module hooks (registered by ./register.mjs): `.ts` files are compiled by esbuild as tsx
 * compiles them (type-only syntax removed, the rest left as written, a source map inline without
 * the sources), but without `keepNames`; an import of `./x.js` that does not exist is `./x.ts`
 * (TypeScript's NodeNext convention, which the sources follow). What is compiled is kept in
 * node_modules/.cache/stacklab-ts, keyed by the file, its text and the compiler, so a restarted
 * process (a cluster's replaced worker) does not compile again; without a writable cache it
 * compiles every time.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform, version } from 'esbuild';

/** What of tsconfig.json changes the emitted code (target ES2022: class fields are defined). */
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/stacklab-ts/', import.meta.url));

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && specifier.endsWith('.js') && /** @type {{ code?: string }} */ (e).code === 'ERR_MODULE_NOT_FOUND')
      return next(`${specifier.slice(0, -3)}.ts`, context);
    throw e;
  }
}

/** @type {import('node:module').LoadHook} */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const text = await readFile(file, 'utf8');
  const options = {
    loader: /** @type {const} */ ('ts'),
    format: /** @type {const} */ ('esm'),
    target: `node${process.versions.node}`,
    sourcemap: /** @type {const} */ ('inline'),
    // The map says where each line came from; the source itself is on disk (as tsx: several MB of
    // heap otherwise, kept for the life of the server).
    sourcesContent: false,
    sourcefile: file,
    tsconfigRaw: TSCONFIG,
  };
  const key = createHash('sha256').update(`${version}\0${JSON.stringify(options)}\0${text}`).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  const source = await readFile(cached, 'utf8').catch(() => null);
  if (source !== null) return { format: 'module', source, shortCircuit: true };
  const { code } = await transform(text, options);
  // Written whole or not at all (another process may read it meanwhile); a failure only costs time.
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await mkdir(CACHE, { recursive: true })
    .then(() => writeFile(partial, code))
    .then(() => rename(partial, cached))
    .catch(() => {});
  return { format: 'module', source: code, shortCircuit: true };
}
