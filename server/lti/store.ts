/**
 * LTI's persistence (server/lti/types.ts LtiStore): SQLite tables beside the workspaces in
 * DATA/stacklab.db, or memory with a memory store. Platforms of the platforms file are merged in,
 * read-only.
 */
import type { Config } from '../http/config.js';
import type { LaunchRecord, LoginState, LtiStore, PlatformRegistration } from './types.js';

/** In memory (tests, STACKLAB_STORE=memory). */
export function memoryLtiStore(): LtiStore {
  const platforms = new Map<string, PlatformRegistration>();
  const states = new Map<string, LoginState>();
  const nonces = new Map<string, number>();
  const launches = new Map<string, LaunchRecord>();
  const pkey = (issuer: string, clientId: string) => `${issuer}\u0000${clientId}`;
  return {
    platforms: () => [...platforms.values()],
    platform: (issuer, clientId) =>
      [...platforms.values()].find((p) => p.issuer === issuer && (clientId === undefined || p.clientId === clientId)) ?? null,
    savePlatform: (p) => void platforms.set(pkey(p.issuer, p.clientId), p),
    deletePlatform: (issuer, clientId) => platforms.delete(pkey(issuer, clientId)),
    putState: (state, s) => void states.set(state, s),
    takeState(state, now) {
      const s = states.get(state);
      states.delete(state);
      return s && s.expires > now ? s : null;
    },
    useNonce(issuer, nonce, expires, now) {
      const k = pkey(issuer, nonce);
      const seen = nonces.get(k);
      if (seen !== undefined && seen > now) return false;
      nonces.set(k, expires);
      return true;
    },
    saveLaunch: (r) => void launches.set(pkey(r.learner, r.labId), r),
    launchFor: (learner, labId) => launches.get(pkey(learner, labId)) ?? null,
    close: () => undefined,
  };
}

/** The configured LTI store (SQLite is filled in by the LTI work; memory until then). */
export function openLtiStore(_config: Config, _givenStore: boolean): LtiStore {
  return memoryLtiStore();
}
