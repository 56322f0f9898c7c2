import { describe, expect, it } from 'vitest';
import { sdkUpdate } from './common.js';

describe("sdkUpdate: openstacksdk's dirty check (a set sends only what differs)", () => {
  const sends = (current: object, upd: object, sent: string[] = []) => {
    const calls: object[] = [];
    sdkUpdate(current, upd as Record<string, unknown>, (s) => calls.push(s), sent);
    return calls;
  };
  it('sends nothing when every value equals the one found, lists and dicts compared by value', () => {
    const cur = { name: 'n1', routes: [{ destination: '10.0.0.0/24', nexthop: '10.0.0.1' }], mtu: 1450 };
    expect(sends(cur, { name: 'n1', routes: [{ nexthop: '10.0.0.1', destination: '10.0.0.0/24' }], description: undefined })).toEqual([]);
  });
  it('sends only the values that differ, and those named in `sent` (text to OSC) always', () => {
    const cur = { name: 'n1', description: '', mtu: 1450 };
    expect(sends(cur, { name: 'n1', description: 'x', mtu: 1450 }, ['mtu'])).toEqual([{ description: 'x', mtu: 1450 }]);
    expect(sends(cur, { routes: [] })).toEqual([{ routes: [] }]);
    expect(sends({ routes: [] }, { routes: [] })).toEqual([]);
    expect(sends({ gatewayIp: null }, { gatewayIp: null })).toEqual([]);
  });
  it("a learner's words as values (prototype names, a long list) are only compared", () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect(sends({ name: 'constructor', dns: long }, { name: '__proto__', dns: [...long] })).toEqual([{ name: '__proto__' }]);
    expect(sends({}, { constructor: 'x' })).toEqual([{ constructor: 'x' }]);
  });
});
