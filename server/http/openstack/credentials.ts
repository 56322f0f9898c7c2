/**
 * Each learner's password for each of their workspaces, derived rather than stored: the learner
 * and the workspace key, signed with HMAC-SHA256 under a key derived from the server secret
 * (STACKLAB_SECRET or DATA/secret). Nothing to store or migrate, the same after a restart, and
 * one learner's password says nothing about another's (the secret never leaves the server). The
 * user name is the one the workspace's cloud gives its learner, so the real client shows the
 * same user and project as the emulated CLI; the password alone says whose cloud it opens.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Learner ids are the cookie's base64url ids; workspace keys are `sandbox:…` or `lab:…`. */
const LEARNER = /^[A-Za-z0-9_-]{1,64}$/;
const KEY = /^[a-z]+:[a-z0-9-]{1,80}$/;

/** The key passwords are signed with, kept apart from the cookie's use of the same secret. */
function signingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('stacklab keystone passwords v1').digest();
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', signingKey(secret)).update(payload).digest('base64url');
}

/** The password of a learner's workspace: `payload.signature`, both base64url (safe unquoted in shell and YAML). */
export function passwordFor(secret: string, learner: string, workspaceKey: string): string {
  const payload = Buffer.from(`${learner}\n${workspaceKey}`).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** Whose workspace a password opens, or null for anything this server did not sign. */
export function passwordOwner(
  secret: string,
  password: string,
): { learner: string; workspaceKey: string } | null {
  const dot = password.indexOf('.');
  if (dot <= 0 || password.length > 512) return null;
  const payload = password.slice(0, dot);
  const good = Buffer.from(mac(secret, payload));
  const got = Buffer.from(password.slice(dot + 1));
  if (good.length !== got.length || !timingSafeEqual(good, got)) return null;
  const [learner = '', workspaceKey = '', ...rest] = Buffer.from(payload, 'base64url').toString().split('\n');
  return rest.length === 0 && LEARNER.test(learner) && KEY.test(workspaceKey) ? { learner, workspaceKey } : null;
}

/** What a client needs to log in to a learner's workspace. */
export interface ClientLogin {
  workspaceKey: string;
  authUrl: string;
  projectName: string;
  userName: string;
  password: string;
}

/** A clouds.yaml with the one cloud `stacklab` (strings double-quoted: JSON's escapes are YAML's). */
export function cloudsYaml(l: ClientLogin): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    `# Stacklab: your own cloud, workspace ${l.workspaceKey}. Keep it private: the password opens your workspace.`,
    '# Use: OS_CLIENT_CONFIG_FILE=clouds.yaml openstack --os-cloud stacklab network list',
    'clouds:',
    '  stacklab:',
    '    auth:',
    `      auth_url: ${q(l.authUrl)}`,
    `      project_name: ${q(l.projectName)}`,
    '      project_domain_name: "Default"',
    `      username: ${q(l.userName)}`,
    '      user_domain_name: "Default"',
    `      password: ${q(l.password)}`,
    '    region_name: "RegionOne"',
    '    interface: "public"',
    '    identity_api_version: 3',
    '',
  ].join('\n');
}

/** An openrc file: the OS_* variables, single-quoted for any POSIX shell. */
export function openrc(l: ClientLogin): string {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return [
    `# Stacklab: your own cloud, workspace ${l.workspaceKey}. Keep it private: the password opens your workspace.`,
    '# Use: . ./stacklab-openrc.sh && openstack network list',
    `export OS_AUTH_URL=${q(l.authUrl)}`,
    'export OS_IDENTITY_API_VERSION=3',
    `export OS_PROJECT_NAME=${q(l.projectName)}`,
    'export OS_PROJECT_DOMAIN_NAME=Default',
    `export OS_USERNAME=${q(l.userName)}`,
    'export OS_USER_DOMAIN_NAME=Default',
    `export OS_PASSWORD=${q(l.password)}`,
    'export OS_REGION_NAME=RegionOne',
    'export OS_INTERFACE=public',
    '',
  ].join('\n');
}
