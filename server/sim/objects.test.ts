import { describe, expect, it } from 'vitest';
import { extended, setOwn } from './objects.js';

describe('extended', () => {
  it('is the spread: the base keys in order, the patch overriding in place, the new ones last', () => {
    const r = extended({ a: 1, b: 2, c: 3 }, { b: 20, d: 4 });
    expect(Object.entries(r)).toEqual([['a', 1], ['b', 20], ['c', 3], ['d', 4]]);
  });

  it('copies a key named __proto__ as a key, never as the prototype (hostile JSON)', () => {
    const base = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const patch = JSON.parse('{"__proto__":{"also":true},"z":2}') as Record<string, unknown>;
    for (const r of [extended(base, { b: 2 }), extended({ a: 1 }, patch)] as Record<string, unknown>[]) {
      expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
      expect(Object.hasOwn(r, '__proto__')).toBe(true);
      expect(r['polluted']).toBeUndefined();
      expect(r['also']).toBeUndefined();
    }
    expect(Object.keys(extended(base, { b: 2 }))).toEqual(['a', '__proto__', 'b']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('setOwn', () => {
  it('defines any key as an own, enumerable, writable key, __proto__ too', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    setOwn(o, 'constructor', 'x');
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__', 'constructor']);
    expect(o['polluted']).toBeUndefined();
    o['constructor'] = 'y';
    expect(o['constructor']).toBe('y');
  });
});
