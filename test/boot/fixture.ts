/**
 * Run by test/boot-loader.test.ts with `--allow-natives-syntax` under the server's loader and
 * under tsx: prints whether a closure made in TypeScript has a plain function's hidden class and
 * fast properties (tsx's keepNames redefines every named closure's `name`, which puts it in
 * dictionary mode), its name, and where an error points.
 */
import { made, type Shape } from './fixture-dep.js';

const make = () => {
  const add = (x: number) => x + 1;
  return add;
};
const plain = new Function('"use strict"; return () => 0')() as () => number;
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;
const fast = new Function('a', 'return %HasFastProperties(a)') as (a: unknown) => boolean;
const shape: Shape = made('closure');
const where = (new Error('here').stack ?? '').split('\n')[1] ?? '';
console.log(JSON.stringify({ sameMap: sameMap(make(), plain), fast: fast(make()), name: make().name, kind: shape.kind, where }));
