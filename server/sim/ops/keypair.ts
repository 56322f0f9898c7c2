/**
 * Nova key pairs: create (Nova generates the pair), import (a public key the user gives), delete.
 * Names are unique in the cloud; the `key_pairs` quota counts every pair. An imported pair keeps
 * the public key it was given; its fingerprint is drawn, as a generated pair's is (Nova's is the
 * MD5 of the key).
 */
import type { Cloud } from '../model/cloud.js';
import type { Keypair } from '../model/compute.js';
import { novaError } from '../errors.js';
import { hashSeed, hex, seedRng } from '../rng.js';
import { now } from './context.js';

const PATH = '/os-keypairs';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A new key pair with its fingerprint and public key (RNG draws: 32 then 60 hex digits). */
/** Whether Nova can read `key` as an SSH public key (it computes a fingerprint from it). */
export function readablePublicKey(key: string): boolean {
  return /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?\s*$/.test(key);
}

export function createKeypair(c: Cloud, name: string, publicKey?: string): Keypair {
  if (c.keypairs.some((k) => k.name === name)) throw novaError.conflict(PATH, `Key pair '${name}' already exists.`);
  if (publicKey !== undefined && !readablePublicKey(publicKey)) throw novaError.badRequest(PATH, 'Keypair data is invalid: failed to generate fingerprint');
  const mine = c.keypairs.length;
  if (c.quotas.key_pairs >= 0 && mine + 1 > c.quotas.key_pairs) {
    throw novaError.forbidden(PATH, 'Quota exceeded, too many key pairs.');
  }
  const fingerprint = (hex(c.rng, 32).match(/../g) ?? []).join(':');
  // Drawn for an import too: what follows draws the same numbers either way.
  const generated = `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${hex(c.rng, 60)} Generated-by-Nova`;
  const kp: Keypair = {
    name,
    fingerprint,
    publicKey: publicKey ?? generated,
    type: 'ssh',
    userId: c.auth.userId,
    createdAt: now(c),
  };
  c.keypairs.push(kp);
  return kp;
}

/** The private key Nova returns once for a generated pair (25 lines, drawn after the pair). */
export function privateKey(c: Cloud): string {
  const body = Array.from({ length: 25 }, () => hex(c.rng, 64))
    .map((h) => h.replace(/[0-9a-f]{2}/g, (x) => B64[Number.parseInt(x, 16) % 64] ?? 'A'))
    .join('\n');
  return `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
}

/** The key pair of that name, or Nova's 404 (key pairs belong to the user). */
export function getKeypair(c: Cloud, name: string): Keypair {
  const k = c.keypairs.find((x) => x.name === name);
  if (!k) throw novaError.notFound(`${PATH}/${name}`, `Keypair ${name} not found for user ${c.auth.userId}`);
  return k;
}

export function deleteKeypair(c: Cloud, name: string): void {
  const k = getKeypair(c, name);
  c.keypairs = c.keypairs.filter((x) => x !== k);
}

/**
 * The private key file ssh-keygen writes for `publicKey` (OpenSSH's format, ed25519 without a
 * passphrase: its first line is the same for every such key), derived from the public key so it is
 * the same every time.
 */
export function opensshPrivateKey(publicKey: string): string {
  const rng = seedRng(hashSeed(publicKey));
  const chars = (n: number) => hex(rng, 2 * n).replace(/[0-9a-f]{2}/g, (x) => B64[Number.parseInt(x, 16) % 64] ?? 'A');
  // Its size, as OpenSSH lays it out: 98 bytes of header and public key, then the private part
  // (131 bytes and the comment) padded to 8; base64 in lines of 70.
  const comment = publicKey.split(' ').slice(2).join(' ');
  const bytes = 98 + Math.ceil((131 + comment.length) / 8) * 8;
  const head = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';
  const pad = (3 - (bytes % 3)) % 3;
  const text = head + chars(Math.ceil(bytes / 3) * 4 - pad - head.length) + '='.repeat(pad);
  const lines = text.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** An ed25519 public key derived from `seed` (the same every time), with its comment. */
export function derivedPublicKey(seed: string, comment: string): string {
  return `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${hex(seedRng(hashSeed(seed)), 43)} ${comment}`;
}
