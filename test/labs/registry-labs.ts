/** Lab files for the registry's tests (test/labs/registry.test.ts, test/http/labs-reload.test.ts). */

/** A small valid lab: one step, one network. */
export function tinyLab(id: string, opts: { title?: string; network?: string; fail?: string } = {}): string {
  return `---
id: ${id}
title: ${opts.title ?? `Lab ${id}`}
summary: One network.
minutes: 5
fixture: empty
---

Make a network.

## Create it

\`\`\`check
- type: resource
  kind: network
  name: ${opts.network ?? 'net-a'}
  fail: ${opts.fail ?? 'Not there yet.'}
\`\`\`

\`\`\`solution
openstack network create ${opts.network ?? 'net-a'}
\`\`\`
`;
}
