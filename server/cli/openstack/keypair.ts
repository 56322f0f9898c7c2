/** `openstack keypair …`: projects what sim/api/nova answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import { createKeypair, deleteKeypair, importKeypair, listKeypairs, showKeypair } from '../../sim/api/nova/index.js';
import { SimError } from '../../sim/errors.js';
import { CliError } from '../errors.js';
import { errorLine, flag, none, req, str, strs, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';

/** GET by name; novaclient's message for a missing key pair. */
function getKeypair(c: Cloud, name: string) {
  try {
    return showKeypair(c, name);
  } catch (e) {
    if (e instanceof SimError && e.status === 404) throw new CliError(`No keypair with a name or ID of '${name}' exists.`);
    throw e;
  }
}

/** `keypair create NAME [--public-key FILE]`: a generated pair prints its private key, an imported one its row. */
function keypairCreate(c: Cloud, name: string, publicKey: string | undefined): Output {
  if (publicKey !== undefined) {
    const d = importKeypair(c, name);
    return { kind: 'show', data: { fields: [['fingerprint', attr(d, 'fingerprint')], ['name', attr(d, 'name')], ['type', attr(d, 'type')], ['user_id', attr(d, 'user_id')]] } };
  }
  return { kind: 'text', stdout: String(createKeypair(c, name)['private_key']) };
}

function keypairShow(c: Cloud, name: string, publicKey: boolean): Output {
  const d = getKeypair(c, name);
  if (publicKey) return { kind: 'text', stdout: `${String(d['public_key'])}\n` };
  const fields = ['created_at', 'deleted', 'deleted_at', 'fingerprint', 'id', 'name', 'type', 'updated_at', 'user_id'].map(
    // openstacksdk's Keypair takes its id from the name.
    (k): [string, ReturnType<typeof attr>] => [k, attr(d, k === 'id' ? 'name' : k)],
  );
  return { kind: 'show', data: { fields } };
}

/** OSC's loop: every name is tried, each failure printed, then "N of M keys failed to delete." */
function keypairDelete(c: Cloud, names: string[]): Output {
  const errors: string[] = [];
  for (const n of names) {
    try {
      deleteKeypair(c, n);
    } catch (e) {
      errors.push(`Failed to delete key with name '${n}': ${errorLine(c, e, 'nova')}`);
    }
  }
  if (errors.length === 0) return none;
  errors.push(`${errors.length} of ${names.length} keys failed to delete.`);
  return { kind: 'text', stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };
}

export const keypairCommands: OscCommand[] = [
  { name: 'keypair create', style: 'nova', run: ({ cloud: c, args: a }) => keypairCreate(c, req(a, 'name'), str(a, 'public_key')) },
  {
    name: 'keypair list',
    style: 'nova',
    run: ({ cloud: c }) => ({ kind: 'list', data: { headers: ['Name', 'Fingerprint'], rows: listKeypairs(c).map((d) => [attr(d, 'name'), attr(d, 'fingerprint')]) } }),
  },
  { name: 'keypair show', style: 'nova', run: ({ cloud: c, args: a }) => keypairShow(c, req(a, 'name'), flag(a, 'public_key')) },
  { name: 'keypair delete', style: 'nova', run: ({ cloud: c, args: a }) => keypairDelete(c, strs(a, 'name')) },
];
