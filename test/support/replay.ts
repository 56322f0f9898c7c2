import type { Cloud } from '../../server/sim/model/cloud.js';
import { transact } from '../../server/sim/clone.js';
import { settleOctavia } from '../../server/sim/ops/octavia/lifecycle.js';
import type { OctaviaConfig } from '../../server/sim/model/octavia.js';

export interface ReplayOptions {
  /** Octavia's drivers for the replay (`noop` to match the Octavia oracle). */
  octavia?: OctaviaConfig;
}

/**
 * The Octavia oracle's `oracle_wait_lb NAME_OR_ID`: the load balancer's provisioning status once
 * the worker is done (Stacklab's worker finishes between commands), `gone` once deleted.
 */
function waitLb(c: Cloud, nameOrId: string): string {
  const lb = c.octavia?.loadBalancers.find((l) => l.id === nameOrId || l.name === nameOrId);
  return lb ? lb.provisioningStatus : 'gone';
}

function expandVars(word: string, env: Record<string, string>): string {
  return word.replace(/\$(\w+)/g, (_, v: string) => env[v] ?? '');
}

/** Replays an oracle script (its syntax, identity switches included) through one learner session. */
import { createSession, runLine } from '../../server/shell/session.js';
import type { Entry } from './normalise.js';

/**
 * Runs a script through one learner session like runScript, and also understands the oracle's
 * identity switches (`oracle_as_project ID [ROLES]`, `oracle_as_admin`, shell functions of
 * oracle-env.sh): the session's token is scoped to that project, with or without the admin role.
 */
export function replay(lines: string[], opts: ReplayOptions = {}): Entry[] {
  let state = createSession({ fixture: 'empty', seed: 1 });
  if (opts.octavia) state = { ...state, cloud: { ...state.cloud, config: { ...state.cloud.config, octavia: opts.octavia } } };
  const admin = state.cloud.auth;
  const out: Entry[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const as = /^oracle_as_project (\S+)(?: (\S+))?$/.exec(line.trim());
    if (as || line.trim() === 'oracle_as_admin') {
      const projectId = as ? (as[1] as string) : admin.projectId;
      const roles = (as?.[2] ?? 'member').split(',');
      const auth = as ? { ...admin, projectId, admin: roles.includes('admin'), roles } : admin;
      const projects = state.cloud.projects.some((p) => p.id === projectId) ? state.cloud.projects : [...state.cloud.projects, { id: projectId, name: projectId }];
      state = { ...state, cloud: { ...state.cloud, auth, projects } };
      out.push({ command: line, stdout: '', stderr: '', exitCode: 0 });
      continue;
    }
    const wait = /^oracle_wait_lb (\S+)/.exec(line.trim());
    if (wait) {
      // The worker finishes whatever it still has (with a long workerTicks, only waiting does it).
      const settled = transact(state.cloud, (c) => settleOctavia(c, true));
      state = { ...state, cloud: settled.cloud };
      out.push({ command: line, stdout: `${waitLb(state.cloud, expandVars(wait[1] as string, state.env))}\n`, stderr: '', exitCode: 0 });
      continue;
    }
    const r = runLine(state, line);
    state = r.state;
    out.push({ command: line, stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode });
  }
  return out;
}

