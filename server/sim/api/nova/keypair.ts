/** Nova key pairs (`/os-keypairs`) as the API returns them, and create/import/delete. */
import type { Cloud } from '../../model/cloud.js';
import type { Keypair } from '../../model/compute.js';
import { createKeypair as opCreateKeypair, deleteKeypair as opDeleteKeypair, getKeypair, privateKey } from '../../ops/keypair.js';
import type { JsonObject } from '../json.js';

/** Nova's timestamps carry microseconds: `2024-05-01T10:00:00.000000`. */
function novaTime(iso: string): string {
  return `${iso.replace('Z', '')}.000000`;
}

/** GET /os-keypairs/{name} (the `id` Nova returns is its database id; OSC shows the name). */
export function keypairDict(k: Keypair): JsonObject {
  return {
    name: k.name,
    public_key: k.publicKey,
    fingerprint: k.fingerprint,
    type: k.type,
    user_id: k.userId,
    created_at: novaTime(k.createdAt),
    updated_at: null,
    deleted: false,
    deleted_at: null,
  };
}

/** GET /os-keypairs: the user's key pairs by name, each with name, public key, fingerprint, type. */
export function listKeypairs(c: Cloud): JsonObject[] {
  return [...c.keypairs]
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .map((k) => ({ name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, type: k.type }));
}

/** GET /os-keypairs/{name}, or Nova's 404. */
export function showKeypair(c: Cloud, name: string): JsonObject {
  return keypairDict(getKeypair(c, name));
}

/** POST /os-keypairs without a public key: Nova generates the pair and returns the private key once. */
export function createKeypair(c: Cloud, name: string): JsonObject {
  const d = keypairDict(opCreateKeypair(c, name));
  return Object.assign(d, { private_key: privateKey(c) });
}

/** POST /os-keypairs with a public key (kept as given; absent: a caller that read no file, and Nova keeps a key of its own). */
export function importKeypair(c: Cloud, name: string, publicKey?: string): JsonObject {
  return keypairDict(opCreateKeypair(c, name, publicKey));
}

/** DELETE /os-keypairs/{name}, or Nova's 404. */
export function deleteKeypair(c: Cloud, name: string): void {
  opDeleteKeypair(c, name);
}
