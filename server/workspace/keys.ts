/** Workspace keys: `sandbox:FIXTURE` (free play) or `lab:ID` (a graded lab), parsed in one place. */
import { fixtureNames } from '../shell/session.js';
import { fixtureSpec } from '../shell/fixtures.js';
import type { Lab } from '../labs/index.js';

export interface WorkspaceRef {
  /** The key as stored: `sandbox:empty`, `lab:01-first-network`. */
  key: string;
  fixture: string;
  /** The lab (not yet instantiated for a learner), for `lab:` workspaces. */
  lab: Lab | null;
}

/** The workspace a key names, or null when it names none (unknown fixture or lab, bad syntax). */
export function parseWorkspace(key: string, labs: readonly Lab[]): WorkspaceRef | null {
  const sandbox = /^sandbox:([a-z0-9-]{1,64})$/.exec(key);
  if (sandbox) {
    const fixture = sandbox[1] as string;
    return fixtureNames().includes(fixture) ? { key, fixture, lab: null } : null;
  }
  const m = /^lab:([a-z0-9-]{1,80})$/.exec(key);
  const lab = m ? labs.find((l) => l.id === m[1]) : undefined;
  return lab ? { key, fixture: lab.fixture, lab } : null;
}

/** The workspace key of a lab. */
export function labKey(labId: string): string {
  return `lab:${labId}`;
}

/** The sandboxes a learner may open: each fixture with its description and the host a terminal starts on. */
export function sandboxCatalogue(): Array<{ name: string; description: string; startHost: string }> {
  return fixtureNames().map((name) => {
    const spec = fixtureSpec(name);
    return { name, description: spec.description, startHost: spec.startHost ?? 'laptop' };
  });
}
