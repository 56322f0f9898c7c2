/**
 * Grading on what actually ran: entries that carry `ran` (runLine's record of the commands it
 * executed, after expansion) are graded on it; entries without it (history recorded before) on
 * their line, parsed statically, as before.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryCommand } from '../../server/labs/types.js';
import { linesOnly, one, session } from './helpers.js';

const LIST = 'type: ran\ncommand: openstack network list';
const NS = 'type: ran\ncommand: [route -n, ip route]\nnetns: router my-router';

const node = session('network-node', []);
const routerId = node.cloud.routers.find((r) => r.name === 'my-router')?.id ?? '';

describe('ran checks on recorded executions', () => {
  it('a command skipped by && does not count; one that ran does', () => {
    expect(one(LIST, node, {}, [{ line: 'false && openstack network list', ran: [['false']] }]).passed).toBe(false);
    expect(one(LIST, node, {}, [{ line: 'true && openstack network list', ran: [['true'], ['openstack', 'network', 'list']] }]).passed).toBe(true);
    expect(one(LIST, node, {}, [{ line: 'true || openstack network list', ran: [['true']] }]).passed).toBe(false);
  });

  it('a namespace built in a variable counts once it names the router', () => {
    const history: HistoryCommand[] = [
      { line: 'R=qrouter-$(openstack router show my-router -f value -c id)', ran: [['openstack', 'router', 'show', 'my-router', '-f', 'value', '-c', 'id']] },
      { line: 'ip netns exec $R route -n', ran: [['ip', 'netns', 'exec', `qrouter-${routerId}`, 'route', '-n']] },
    ];
    expect(one(NS, node, {}, history)).toMatchObject({ passed: true, why: 'you ran `route -n`' });
  });

  it('with ran recorded, `qrouter-$…` is no longer taken on trust', () => {
    const wrong: HistoryCommand[] = [{ line: 'ip netns exec qrouter-$NOPE route -n', ran: [['ip', 'netns', 'exec', 'qrouter-', 'route', '-n']] }];
    expect(one(NS, node, {}, wrong).passed).toBe(false);
    const other: HistoryCommand[] = [{ line: 'ip netns exec $R route -n', ran: [['ip', 'netns', 'exec', 'qrouter-0000', 'route', '-n']] }];
    expect(one(NS, node, {}, other).passed).toBe(false);
    expect(one('type: ran\ncommand: ip route\nnetns: any-router', node, {}, other).passed).toBe(false);
  });

  it('a command inside $(…) counts', () => {
    const h: HistoryCommand[] = [{ line: 'N=$(openstack network list -f value -c ID | head -1)', ran: [['openstack', 'network', 'list', '-f', 'value', '-c', 'ID'], ['head', '-1']] }];
    expect(one(LIST, node, {}, h).passed).toBe(true);
  });

  it('entries without ran still grade on their line, as before (the qrouter-$… allowance included)', () => {
    expect(one(LIST, node, {}, [{ line: 'openstack network list' }]).passed).toBe(true);
    expect(one(NS, node, {}, [{ line: 'ip netns exec qrouter-$ROUTER route -n' }]).passed).toBe(true);
    expect(one(NS, node, {}, [{ line: `sudo ip netns exec qrouter-${routerId} ip route` }]).passed).toBe(true);
    expect(one(NS, node, {}, [{ line: 'ip route' }]).passed).toBe(false);
    // The old, static reading cannot tell what && skipped: that is why `ran` exists.
    expect(one(LIST, node, {}, [{ line: 'false && openstack network list' }]).passed).toBe(true);
  });

  it('old and new entries mix in one history', () => {
    const h: HistoryCommand[] = [{ line: 'openstack router list' }, { line: 'false && openstack network list', ran: [['false']] }];
    expect(one(LIST, node, {}, h).passed).toBe(false);
    expect(one('type: ran\ncommand: openstack router list', node, {}, h).passed).toBe(true);
  });
});

describe('ran checks through the shell (runLine records what ran)', () => {
  it('false && … does not satisfy a ran check; true && … does', () => {
    expect(one(LIST, session('network-node', ['false && openstack network list'])).passed).toBe(false);
    expect(one(LIST, session('network-node', ['true && openstack network list'])).passed).toBe(true);
  });
  it('R=qrouter-$(openstack router show my-router -f value -c id); ip netns exec $R route -n satisfies netns: router my-router', () => {
    const s = session('network-node', ['R=qrouter-$(openstack router show my-router -f value -c id)', 'ip netns exec $R route -n']);
    expect(one(NS, s).passed).toBe(true);
    // The same lines without what ran: parsed, `$R` is not a qrouter- name, so they do not count.
    expect(one(NS, s, {}, linesOnly(s)).passed).toBe(false);
  });
  it('a command run inside $(…) counts', () => {
    expect(one(LIST, session('network-node', ['N=$(openstack network list -f value -c ID)'])).passed).toBe(true);
  });
});
