/** Shared helpers for ops: ids, the clock, standard attributes, revisions, quotas, visibility. */
import type { Cloud } from '../model/cloud.js';
import type { Std } from '../model/std.js';
import { uuid4 } from '../rng.js';
import { neutronError } from '../errors.js';

/** Neutron timestamps: second precision, UTC, `Z`. */
let lastSeconds = NaN;
let lastIso = '';
/** The UTC day of the last whole second Date formatted: its first second and `YYYY-MM-DDT`. */
let dayStart = NaN;
let dayPrefix = '';
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export function isoSeconds(epochSeconds: number): string {
  // Many resources are stamped within one command: format each second once.
  if (epochSeconds !== lastSeconds) {
    lastSeconds = epochSeconds;
    const s = epochSeconds - dayStart;
    if (Number.isInteger(epochSeconds) && s >= 0 && s < 86400) {
      // Same day as before (the clock advances a few seconds a command): only the time changes.
      lastIso = `${dayPrefix}${TWO_DIGITS[Math.floor(s / 3600)] as string}:${TWO_DIGITS[Math.floor(s / 60) % 60] as string}:${TWO_DIGITS[s % 60] as string}Z`;
    } else {
      lastIso = new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (Number.isInteger(epochSeconds)) {
        dayStart = epochSeconds - (((epochSeconds % 86400) + 86400) % 86400);
        dayPrefix = lastIso.slice(0, lastIso.indexOf('T') + 1);
      }
    }
  }
  return lastIso;
}

export function now(c: Cloud): string {
  return isoSeconds(c.clock);
}

export function newId(c: Cloud): string {
  return uuid4(c.rng);
}

/**
 * Runs the part of a create that Neutron runs after drawing the new resource's id (which this
 * simulation draws last): if it fails, an id is drawn all the same, so the next create gets
 * another one, as in a real cloud (the failed command keeps what the generator drew).
 */
export function afterIdDrawn<T>(c: Cloud, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    newId(c);
    throw e;
  }
}

/**
 * A new resource's standard attributes. Callers build the resource onto this fresh object with
 * `Object.assign(std, { …fields })`, which gives the same keys in the same order as
 * `{ ...std, …fields }`: in Node 20 each property a literal adds after a spread costs about a
 * microsecond, and resources are made by the dozen per command.
 */
export function newStd(c: Cloud, name: string, projectId: string, description = '', revision = 0): Std {
  const t = now(c);
  c.stdAttrSeq += 1;
  return {
    id: newId(c),
    name,
    description,
    projectId,
    createdAt: t,
    updatedAt: t,
    revision,
    tags: [],
    stdAttrId: c.stdAttrSeq,
  };
}

/** Every update bumps revision_number and updated_at, as Neutron's revision plugin does. */
export function touch(c: Cloud, r: Std, bumps = 1): void {
  r.revision += bumps;
  r.updatedAt = now(c);
}

/** Whether the current project may see a resource owned by `projectId` (admins see all). */
export function owns(c: Cloud, projectId: string): boolean {
  return c.auth.admin || projectId === c.auth.projectId;
}

/** The roles the caller's token carries: `auth.roles`, absent meaning what the fixtures grant (admin, else member and load-balancer_member). */
export function rolesOf(c: Cloud): readonly string[] {
  return c.auth.roles ?? (c.auth.admin ? ['admin'] : ['member', 'load-balancer_member']);
}

export function policyError(path: string, rule: string): Error {
  return neutronError.forbidden(path, `${rule} is disallowed by policy`);
}

/**
 * Neutron's rule for attributes inside a dict attribute (a router's gateway, a port's fixed IPs):
 * `(rule:A and (rule:A:attr and (rule:A:attr:x and rule:A:attr:y)))`.
 */
export function nestedPolicy(action: string, attr: string, subs: string[]): string {
  return `(rule:${action} and (rule:${action}:${attr} and (${subs.map((x) => `rule:${action}:${attr}:${x}`).join(' and ')})))`;
}

/**
 * Updating or deleting what another project owns: members see shared and external resources,
 * but only admins and the owner may change them (`rule:update_network is disallowed by policy`).
 */
export function checkOwner(c: Cloud, ownerProjectId: string, path: string, rule: string): void {
  if (!c.auth.admin && ownerProjectId !== c.auth.projectId) throw policyError(path, `rule:${rule}`);
}
