/**
 * A learner's password login as their own client makes it: the `auth` of the clouds.yaml the page
 * hands out, and keystone's password-method request body scoped to the learner's project.
 */
import { parse } from 'yaml';

/** The `clouds.stacklab.auth` of a clouds.yaml, and the path of its token endpoint (`…/v3/auth/tokens`). */
export function cloudsAuth(yamlText: string): { auth: Record<string, string>; tokensPath: string } {
  const auth = (parse(yamlText) as { clouds: { stacklab: { auth: Record<string, string> } } }).clouds.stacklab.auth;
  return { auth, tokensPath: `${new URL(auth['auth_url'] ?? '').pathname.replace(/\/$/, '')}/auth/tokens` };
}

/** POST /v3/auth/tokens's body for that auth: the password method, scoped to the project. */
export function passwordLoginBody(auth: Record<string, string>): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: auth['username'], domain: { name: 'Default' }, password: auth['password'] } },
      },
      scope: { project: { name: auth['project_name'], domain: { name: 'Default' } } },
    },
  });
}

/** POST /v3/auth/tokens's body for an application credential (by id and secret). */
export function appCredentialLoginBody(ac: { id: string; secret: string }): { auth: unknown } {
  return { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } } } };
}
