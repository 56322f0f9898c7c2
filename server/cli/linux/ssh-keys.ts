/**
 * The learner's own key pair on the laptop, in ~/.ssh: `id_ed25519` and `id_ed25519.pub`, the key
 * the fixture's key pairs were imported from (what `openstack keypair create --public-key
 * ~/.ssh/id_ed25519.pub NAME` reads). Derived, never random: the same files every time.
 */
import { derivedPublicKey, opensshPrivateKey } from '../../sim/ops/keypair.js';
import type { Entry } from './tree.js';

export const SSH_DIR = '.ssh';
const PRIVATE = 'id_ed25519';
const PUBLIC = 'id_ed25519.pub';

/** The files of the laptop's ~/.ssh by name, for the key `publicKey` (a line of `ssh-ed25519 … user@laptop`). */
export function laptopSshFiles(publicKey: string): Record<string, { text: string; mode: string }> {
  return {
    [PRIVATE]: { text: opensshPrivateKey(publicKey), mode: '-rw-------' },
    [PUBLIC]: { text: `${publicKey}\n`, mode: '-rw-r--r--' },
  };
}

/** The entries `ls` shows in the laptop's ~/.ssh. */
export function laptopSshEntries(publicKey: string): Entry[] {
  return Object.entries(laptopSshFiles(publicKey)).map(([name, f]) => ({ name, dir: false, size: new TextEncoder().encode(f.text).length, mode: f.mode }));
}

/** A learner key for a fixture without key pairs: derived from the learner's user id. */
export function derivedLaptopKey(userId: string, user: string): string {
  return derivedPublicKey(`laptop-key:${userId}`, `${user}@laptop`);
}
