/** Replays an oracle script (its syntax, identity switches included) through one learner session. */
import { createSession, runLine } from '../../server/shell/session.js';
import type { Entry } from './normalise.js';

/**
 * Runs a script through one learner session like runScript, and also understands the oracle's
 * identity switches (`oracle_as_project ID [ROLES]`, `oracle_as_admin`, shell functions of
 * oracle-env.sh): the session's token is scoped to that project, with or without the admin role.
 */
export function replay(lines: string[]): Entry[] {
  let state = createSession({ fixture: 'empty', seed: 1 });
  const admin = state.cloud.auth;
  const out: Entry[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const as = /^oracle_as_project (\S+)(?: (\S+))?$/.exec(line.trim());
    if (as || line.trim() === 'oracle_as_admin') {
      const projectId = as ? (as[1] as string) : admin.projectId;
      const auth = as ? { ...admin, projectId, admin: (as[2] ?? 'member').split(',').includes('admin') } : admin;
      const projects = state.cloud.projects.some((p) => p.id === projectId) ? state.cloud.projects : [...state.cloud.projects, { id: projectId, name: projectId }];
      state = { ...state, cloud: { ...state.cloud, auth, projects } };
      out.push({ command: line, stdout: '', stderr: '', exitCode: 0 });
      continue;
    }
    const r = runLine(state, line);
    state = r.state;
    out.push({ command: line, stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode });
  }
  return out;
}

