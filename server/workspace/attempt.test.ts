/** An attempt's distinct commands: kept once each, their words shared across the server. */
import { describe, expect, it } from 'vitest';
import { addCommand, commandHash, emptyAttempt } from './attempt.js';

describe("an attempt's commands", () => {
  it('keeps each distinct command once, its words as they ran', () => {
    const a = emptyAttempt();
    const ran = [['openstack', 'network', 'show', 'net1', '-c', 'mtu']];
    addCommand(a, { line: 'openstack network show net1 -c mtu', ran });
    addCommand(a, { line: 'N=net1; openstack network show $N -c mtu', ran: [['openstack', 'network', 'show', 'net1', '-c', 'mtu']] });
    addCommand(a, { line: 'echo "a  b"', ran: [['echo', 'a  b']] });
    addCommand(a, { line: 'openstack router list' });
    expect(a.commands).toEqual([
      { line: 'openstack network show net1 -c mtu', ran },
      { line: 'echo "a  b"', ran: [['echo', 'a  b']] },
      { line: 'openstack router list' },
    ]);
    // What the caller passed is not what is kept (the kept words are the server's shared ones),
    // and changing it afterwards changes nothing kept.
    ran[0]![3] = 'changed';
    expect(a.commands[0]?.ran).toEqual([['openstack', 'network', 'show', 'net1', '-c', 'mtu']]);
  });

  it('keeps every word right past the bound of the shared table (a learner typing unique words)', () => {
    const a = emptyAttempt();
    const long = 'x'.repeat(500);
    for (let i = 0; i < 120_000; i++) addCommand(a, { line: `echo w${i}`, ran: [['echo', `w${i}`, long]] });
    expect(a.commands.length).toBe(120_000);
    for (const i of [0, 49_999, 50_000, 50_001, 100_000, 119_999]) expect(a.commands[i]?.ran).toEqual([['echo', `w${i}`, long]]);
  });

  it('tells apart words split differently, a line from what ran, and commands whose hashes are equal', () => {
    const a = emptyAttempt();
    const cmds = [
      { line: 'echo a b', ran: [['echo', 'a b']] },
      { line: 'echo a b', ran: [['echo', 'a', 'b']] },
      { line: 'echo a b', ran: [['echo', 'a'], ['b']] },
      { line: 'echo a b', ran: [['echo', 'a', 'b'], []] },
      { line: 'echo a b' },
      { line: 'echo a b', ran: [] },
    ];
    for (const c of cmds) addCommand(a, c);
    for (const c of cmds) addCommand(a, { line: 'another line', ...(c.ran ? { ran: c.ran.map((x) => [...x]) } : {}) });
    addCommand(a, { line: 'echo a b' });
    expect(a.commands.length).toBe(cmds.length + 1);
    // Commands whose 30-bit hashes are equal (found by a birthday search): both are kept, once.
    const byHash = new Map<number, string>();
    const pairs: Array<[string, string]> = [];
    for (let i = 0; pairs.length < 3 && i < 1_000_000; i++) {
      const id = `p${i}`;
      const h = commandHash({ line: '', ran: [['openstack', 'port', 'show', id]] });
      const other = byHash.get(h);
      if (other !== undefined) pairs.push([other, id]);
      else byHash.set(h, id);
    }
    expect(pairs.length).toBe(3);
    const b = emptyAttempt();
    const show = (id: string) => ({ line: `openstack port show ${id}`, ran: [['openstack', 'port', 'show', id]] });
    for (const [x] of pairs) addCommand(b, show(x));
    // The second of a pair goes in beside the first; after it, both are found in the hash's list.
    for (const [x, y] of pairs) for (const id of [y, x, y]) addCommand(b, show(id));
    expect(b.commands.map((c) => c.ran?.[0]?.[3])).toEqual([...pairs.map(([x]) => x), ...pairs.map(([, y]) => y)]);
  });
});
