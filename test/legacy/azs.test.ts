/**
 * neutron availability-zone-list against the real API and client: test/legacy/azs/azs.oracle.txt
 * was captured with Stacklab's agents for the same cloud written into the oracle's database
 * (scripts/capture-neutron-azs.sh), since Neutron derives the zones from its agents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseTranscript, parseCapture, type Entry } from '../support/normalise.js';
import { replay } from '../support/replay.js';

const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

describe('availability zones (checked against the oracle with agents)', () => {
  const setup = lines(join(import.meta.dirname, '..', 'agents', 'setup.cmds'));
  const script = lines(join(import.meta.dirname, 'azs', 'azs.cmds'));
  const text = script.join('\n');
  const oracle = normaliseTranscript(parseCapture(readFileSync(join(import.meta.dirname, 'azs', 'azs.oracle.txt'), 'utf8')).entries, text);
  const ours = normaliseTranscript(replay([...setup, ...script]).slice(setup.length), text);
  it('replays every captured command', () => expect(ours.map((e) => e.command)).toEqual(oracle.map((e) => e.command)));
  oracle.forEach((expected, i) => {
    it(`${String(i + 1).padStart(2, '0')} ${expected.command}`, () => expect(block(ours[i] as Entry)).toBe(block(expected)));
  });
});
