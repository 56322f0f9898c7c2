/**
 * `openstack keypair …`: OSC 6.0 reads and writes key pairs through openstacksdk (microversion
 * 2.10): its Keypair resource's columns, its find and its error messages.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import { pyRepr, type CellValue } from '../../render/pyvalue.js';
import { createKeypair, deleteKeypair, importKeypair, listKeypairs, showKeypair } from '../../sim/api/nova/index.js';
import { SimError } from '../../sim/errors.js';
import { errorLine, flag, none, NotFoundError, req, str, strs, type Args, type OpenFile, type OscCommand, type Output } from './common.js';
import { STRERROR } from '../linux/tree.js';
import { attr } from './format.js';

/** openstacksdk find_keypair: a 404 becomes "No Keypair found for NAME". */
function getKeypair(c: Cloud, name: string): JsonObject {
  try {
    return showKeypair(c, name);
  } catch (e) {
    if (e instanceof SimError && e.status === 404) throw new NotFoundError(`No Keypair found for ${name}`);
    throw e;
  }
}

/**
 * The SDK Keypair's columns: its id is the name, `is_deleted` is Nova's `deleted`, and what the
 * answer lacks is None (an import's answer has no created_at or deleted).
 */
function sdkFields(d: JsonObject, withPrivateKey: boolean): Array<[string, CellValue]> {
  const fields: Array<[string, CellValue]> = [
    ['created_at', attr(d, 'created_at')],
    ['fingerprint', attr(d, 'fingerprint')],
    ['id', attr(d, 'name')],
    ['is_deleted', attr(d, 'deleted')],
    ['name', attr(d, 'name')],
  ];
  if (withPrivateKey) fields.push(['private_key', attr(d, 'private_key')]);
  fields.push(['type', attr(d, 'type')], ['user_id', attr(d, 'user_id')]);
  return fields;
}

/** What cliff prints for the empty show that follows a generated private key, by --format. */
function emptyShow(a: Args): string {
  const f = str(a, 'formatter') ?? 'table';
  return f === 'json' ? '{}\n' : f === 'table' ? '\n' : '';
}

/** `keypair create NAME [--public-key FILE]`: a generated pair prints its private key, an imported one its row. */
function keypairCreate(c: Cloud, a: Args, openFile: OpenFile | undefined): Output {
  const name = req(a, 'name');
  const file = str(a, 'public_key');
  // An empty --public-key is none (OSC tests it for truth): Nova generates the pair.
  if (file !== undefined && file !== '') {
    // OSC reads the file before it asks Nova; where no files are simulated, Nova keeps a key of its own.
    let key: string | undefined;
    if (openFile) {
      const { opened, read } = openFile(file);
      if (!read.ok) {
        return { kind: 'text', stdout: '', stderr: `Key file ${file} not found: [Errno ${read.errno}] ${STRERROR[read.errno]}: ${pyRepr(opened)}\n`, exitCode: 1 };
      }
      key = read.text.replace(/\s+$/, '');
    }
    // Nova's answer to an import (POST) has neither created_at nor deleted.
    const { created_at: _c, deleted: _d, ...d } = importKeypair(c, name, key);
    return { kind: 'show', data: { fields: sdkFields(d, false) } };
  }
  const key = String(createKeypair(c, name)['private_key']);
  // The key is written (and the pair made) before cliff finds that the empty show has no such column.
  const columns = strs(a, 'columns');
  if (columns.length > 0) {
    return { kind: 'text', stdout: key, stderr: `No recognized column names in ${pyRepr(columns)}. Recognized columns are {}.\n`, exitCode: 1 };
  }
  return { kind: 'text', stdout: `${key}${emptyShow(a)}` };
}

function keypairShow(c: Cloud, name: string, publicKey: boolean): Output {
  const d = getKeypair(c, name);
  if (publicKey) return { kind: 'text', stdout: `${String(d['public_key'])}\n` };
  return { kind: 'show', data: { fields: sdkFields(d, true) } };
}

/** OSC's loop: every name is tried, each failure printed, then "N of M keys failed to delete." */
function keypairDelete(c: Cloud, names: string[]): Output {
  const errors: string[] = [];
  for (const n of names) {
    try {
      deleteKeypair(c, n);
    } catch (e) {
      errors.push(`Failed to delete key with name '${n}': ${errorLine(c, e, 'sdk')}`);
    }
  }
  if (errors.length === 0) return none;
  errors.push(`${errors.length} of ${names.length} keys failed to delete.`);
  return { kind: 'text', stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };
}

export const keypairCommands: OscCommand[] = [
  { name: 'keypair create', run: ({ cloud: c, args: a, openFile }) => keypairCreate(c, a, openFile) },
  {
    name: 'keypair list',
    run: ({ cloud: c }) => ({
      kind: 'list',
      data: {
        headers: ['Name', 'Fingerprint', 'Type'],
        rows: listKeypairs(c).map((d) => [attr(d, 'name'), attr(d, 'fingerprint'), attr(d, 'type')]),
      },
    }),
  },
  { name: 'keypair show', run: ({ cloud: c, args: a }) => keypairShow(c, req(a, 'name'), flag(a, 'public_key')) },
  { name: 'keypair delete', run: ({ cloud: c, args: a }) => keypairDelete(c, strs(a, 'name')) },
];
