import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../sim/api/json.js';
import { sdkUpdate } from './common.js';

describe("sdkUpdate: openstacksdk's dirty check (a set sends only what differs)", () => {
  const sends = (current: JsonObject, body: JsonObject) => {
    const calls: JsonObject[] = [];
    sdkUpdate(current, body, (s) => calls.push(s));
    return calls;
  };
  it('sends nothing when every value equals the one found, lists and dicts compared by value', () => {
    const cur = { name: 'n1', routes: [{ destination: '10.0.0.0/24', nexthop: '10.0.0.1' }], mtu: 1450 };
    expect(sends(cur, { name: 'n1', routes: [{ nexthop: '10.0.0.1', destination: '10.0.0.0/24' }] })).toEqual([]);
    expect(sends(cur, {})).toEqual([]);
  });
  it("sends only the values that differ, as Python's == tells: text is not a number, True is 1", () => {
    const cur = { name: 'n1', description: '', mtu: 1450, shared: true };
    expect(sends(cur, { name: 'n1', description: 'x', mtu: '1450' })).toEqual([{ description: 'x', mtu: '1450' }]);
    expect(sends(cur, { shared: 1, mtu: 1450.0 })).toEqual([]);
    expect(sends(cur, { routes: [] })).toEqual([{ routes: [] }]);
    expect(sends({ routes: [] }, { routes: [] })).toEqual([]);
    expect(sends({ gateway_ip: null }, { gateway_ip: null })).toEqual([]);
  });
  it("a learner's words as values (prototype names, a long list) are only compared", () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect(sends({ name: 'constructor', dns: long }, { name: '__proto__', dns: [...long] })).toEqual([{ name: '__proto__' }]);
    expect(sends({}, { constructor: 'x' })).toEqual([{ constructor: 'x' }]);
  });
});
