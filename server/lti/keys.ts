/**
 * The tool's own key pair for LTI 1.3 (RS256): it signs Deep Linking responses and the client
 * assertions of the AGS token requests; platforms read its public half at GET /lti/jwks. Generated
 * once, kept in DATA/lti-key.json (0600) so registrations survive restarts; a memory store keeps
 * it in memory (tests). With PostgreSQL the pair is kept in the database instead, so every node
 * signs with the same key and serves the same JWKS (a platform checks our JWTs against one JWKS
 * URL, whichever node it reaches).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../store/types.js';
import type { LtiDatabase } from './postgres.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const TOOL_ALG = 'RS256';

export interface ToolKey {
  /** The key id platforms see in our JWTs' headers and in the JWKS (the public key's thumbprint). */
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK as GET /lti/jwks publishes it (kid, alg, use: sig). */
  publicJwk: JWK;
}

async function fromPrivateJwk(jwk: JWK): Promise<ToolKey> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  const kid = await calculateJwkThumbprint(pub);
  const privateKey = (await importJWK(jwk, TOOL_ALG)) as CryptoKey;
  return { kid, privateKey, publicJwk: { kty: pub.kty, n: pub.n, e: pub.e, kid, alg: TOOL_ALG, use: 'sig' } };
}

async function freshJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(TOOL_ALG, { modulusLength: 2048, extractable: true });
  return exportJWK(privateKey);
}

/**
 * The tool key of a data folder: read from `DATA/lti-key.json`, or generated and written there on
 * first use. `dataDir` null: a key for this process only.
 */
export async function loadToolKey(dataDir: string | null): Promise<ToolKey> {
  if (dataDir === null) return fromPrivateJwk(await freshJwk());
  const file = join(dataDir, 'lti-key.json');
  if (existsSync(file)) {
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string') throw new Error(`${file} is not an RSA private key: move it away to generate a new one`);
    return fromPrivateJwk(jwk);
  }
  const jwk = await freshJwk();
  writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  return fromPrivateJwk(jwk);
}

/**
 * The key pair of every node on one database: the first node to start makes it and inserts it,
 * the others (and that one, after a race it lost) read the row that won. A row that is not an
 * RSA private key stops the start: a node signing with a key of its own would break half the
 * platforms' checks.
 */
export async function sharedToolKey(db: LtiDatabase): Promise<ToolKey> {
  const read = async () => (await db.query<{ jwk: string }>('SELECT jwk FROM lti_tool_key WHERE id = 1'))[0]?.jwk;
  let stored = await read();
  if (stored === undefined) {
    const jwk = await freshJwk();
    await db.query('INSERT INTO lti_tool_key (id, jwk, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [JSON.stringify(jwk), Date.now()]);
    stored = await read();
  }
  let jwk: JWK | null = null;
  try {
    jwk = JSON.parse(stored ?? 'null') as JWK | null;
  } catch {
    jwk = null;
  }
  if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'RSA' || typeof jwk.d !== 'string')
    throw new StoreError('the LTI tool key in the database (table lti_tool_key) is not an RSA private key: delete its row to make a new one, then register the new key with the platforms', 'LTI_KEY');
  try {
    return await fromPrivateJwk(jwk);
  } catch (e) {
    throw new StoreError(`the LTI tool key in the database (table lti_tool_key) cannot be used (${e instanceof Error ? e.message : String(e)}): delete its row to make a new one`, 'LTI_KEY', e);
  }
}

/** The JWKS document of GET /lti/jwks. */
export function toolJwks(key: ToolKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}
