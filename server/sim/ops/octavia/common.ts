/**
 * What every Octavia op shares: its errors (Octavia's faultstrings and HTTP codes), the Zed default
 * policy, who sees what, the state as a draft writes it, timestamps and the provisioning lifecycle.
 */
import type { Cloud } from '../../model/cloud.js';
import { emptyOctavia, type OctaviaBase, type OctaviaConfig, type OctaviaState, type ProvisioningStatus } from '../../model/octavia.js';
import { SimError } from '../../errors.js';
import { now, rolesOf } from '../context.js';

export const API = '/v2/lbaas';

/** An Octavia API error: the CLI prints `<message> (HTTP <status>) (Request-ID: req-…)`. */
export function octaviaError(status: number, message: string, path = API): SimError {
  return new SimError(status, message, path, 'network', 'Octavia');
}

export const POLICY_DENIED = 'Policy does not allow this request to be performed.';

const EMPTY: OctaviaState = Object.freeze(emptyOctavia());

/** The state for reading (an empty one before the first load balancer; never written). */
export function lbState(c: Cloud): OctaviaState {
  return c.octavia ?? EMPTY;
}

/** The state for writing (made on the first write). */
export function lbWrite(c: Cloud): OctaviaState {
  if (!c.octavia) c.octavia = emptyOctavia();
  return c.octavia;
}

export function driversOf(c: Cloud): OctaviaConfig['drivers'] {
  return c.config.octavia?.drivers ?? 'amphora';
}

/** Octavia's timestamps: whole seconds, no zone. */
export function lbTime(c: Cloud): string {
  return now(c).slice(0, 19);
}

// ---- the API's input types (checked before policy and lookups) ------------------------------

/** WSME's string type: name and description hold at most 255 characters. */
export function checkText(field: string, v: string | null | undefined): void {
  if (v !== null && v !== undefined && [...v].length > 255) {
    throw octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${v}'. Value should have a maximum character requirement of 255`);
  }
}

/** WSME's integer bounds. */
export function checkRange(field: string, v: number | null | undefined, min: number, max?: number): void {
  if (v === null || v === undefined) return;
  if (v < min) throw octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${v}'. Value should be greater or equal to ${min}`);
  if (max !== undefined && v > max) throw octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${v}'. Value should be lower or equal to ${max}`);
}

// ---- policy (Zed defaults, enforce_new_defaults = False) ------------------------------------

export function isLbAdmin(c: Cloud): boolean {
  return c.auth.admin || rolesOf(c).includes('load-balancer_admin');
}

/**
 * `read`: load-balancer_observer or _member (or global observer); `write`: load-balancer_member;
 * `admin`: the cloud admin only (amphorae, quota defaults, other projects' quotas).
 */
export function authorize(c: Cloud, need: 'read' | 'write' | 'admin'): void {
  if (isLbAdmin(c)) return;
  const r = rolesOf(c);
  const ok =
    need === 'write'
      ? r.includes('load-balancer_member')
      : need === 'read'
        ? r.includes('load-balancer_member') || r.includes('load-balancer_observer') || r.includes('load-balancer_global_observer')
        : false;
  if (!ok) throw octaviaError(403, POLICY_DENIED);
}

/** Admins see every project's objects; the others their own project's. */
export function visibleTo<T extends { projectId: string }>(c: Cloud, items: readonly T[]): T[] {
  if (isLbAdmin(c) || rolesOf(c).includes('load-balancer_global_observer')) return [...items];
  const p = c.auth.projectId;
  return items.filter((i) => i.projectId === p);
}

// ---- lifecycle -------------------------------------------------------------------------------

const MUTABLE: readonly ProvisioningStatus[] = ['ACTIVE', 'ERROR'];

export function isMutable(o: OctaviaBase): boolean {
  return MUTABLE.includes(o.provisioningStatus);
}

/** Marks an object PENDING_*: the worker finishes the job before the learner's next command. */
export function pend(c: Cloud, o: OctaviaBase, status: ProvisioningStatus): void {
  o.provisioningStatus = status;
  o.settlesAt = settleTick(c);
}

/** The tick from which the worker's job started now is done. */
export function settleTick(c: Cloud): number {
  return c.tick + (c.config.octavia?.workerTicks ?? 1);
}

/** The columns every new object starts with (PENDING_CREATE, no updated_at yet). */
export function newBase(c: Cloud, id: string, name: string, description: string, projectId: string, adminStateUp: boolean, operatingStatus: OctaviaBase['operatingStatus']): OctaviaBase {
  return {
    id,
    name,
    description,
    projectId,
    adminStateUp,
    provisioningStatus: 'PENDING_CREATE',
    operatingStatus,
    createdAt: lbTime(c),
    updatedAt: null,
    tags: [],
    settlesAt: settleTick(c),
  };
}

/** Octavia's tags: a set, returned in the database's order (sorted). */
export function tagSet(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}
