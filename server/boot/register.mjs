/**
 * How the server runs its TypeScript: `node --import ./server/boot/register.mjs server/main.ts`
 * (npm start, the container, the cluster's workers, which inherit the flag).
 *
 * tsx, which the tests, benches and scripts use, always compiles with esbuild's `keepNames`: every
 * named function is wrapped in a call that redefines its `name` when it is made, which turns the
 * function into a dictionary-mode object with a property table of its own (~256 bytes). The server
 * makes some twenty such closures for each open terminal, and more on each command. Heap snapshots
 * of the server with 2,000 lab learners (issue #19): 41,257 closures in dictionary mode held
 * 10.6 MB of the 102.6 MB live heap under tsx; under this loader none (the heap's property tables
 * 4.7 MB instead of 15.9), so each full collection marks a tenth less. A command allocates ~3 %
 * less (in process, 43 against 44.5 KB). The hooks (./ts-hooks.mjs) compile as tsx does, without
 * it. The database writer thread still loads its code through tsx (its own heap, another core).
 *
 * Stack traces name the TypeScript files and lines (the compiled code carries a source map).
 */
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
