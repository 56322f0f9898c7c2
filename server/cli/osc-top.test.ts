import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REAL_COMMANDS, fuzzyMatches, realSummary, topHelp, topLevel } from './osc-top.js';

const golden = (name: string): string => readFileSync(new URL(`../../test/help/${name}`, import.meta.url), 'utf8');
/** The real stdout, stderr and exit code of one capture under test/help/. */
const real = (name: string) => ({ kind: 'output', stdout: golden(`${name}.stdout`), stderr: golden(`${name}.stderr`), exitCode: Number(golden(`${name}.exit`).trim()) });

const SUPPORTED = [
  { name: 'network create', summary: 'Create new network' },
  { name: 'network list', summary: 'List networks' },
  { name: 'network show', summary: 'Show network details' },
  { name: 'floating ip create', summary: 'Create floating IP' },
  { name: 'security group rule list', summary: 'List security group rules' },
  { name: 'subnet pool create', summary: 'Create subnet pool' },
];

describe('openstack top level, as OSC 6.0.0 / cliff 4.0', () => {
  it('--version', () => {
    expect(topLevel(['--version'], SUPPORTED)).toEqual(real('top-version'));
  });
  it('an unknown command lists cliff fuzzy matches on stdout, exit 2', () => {
    expect(topLevel(['netwrk', 'list'], SUPPORTED)).toEqual(real('top-unknown'));
    expect(topLevel(['netwrk'], SUPPORTED)).toEqual(real('top-netwrk'));
    expect(topLevel(['xyzzyq'], SUPPORTED)).toEqual(real('top-nomatch'));
    expect(topLevel(['subnt'], SUPPORTED)).toEqual(real('top-subnt'));
    // cliff's quirk: after the prefix matches (distance 0) it also takes the next-nearest ones.
    expect(topLevel(['subnet'], SUPPORTED)).toEqual(real('top-subnet'));
  });
  it('help WORD lists the commands starting with it (first word only), else "Unknown command" exit 1', () => {
    expect(topLevel(['help', 'network'], SUPPORTED)).toEqual(real('top-help-network'));
    expect(topLevel(['help', 'network', 'nosuch'], SUPPORTED)).toEqual(real('top-help-network-nosuch'));
    expect(topLevel(['help', 'netwrk'], SUPPORTED)).toEqual(real('top-help-netwrk'));
    expect(topLevel(['help', 'nosuch'], SUPPORTED)).toEqual(real('top-help-unknown'));
  });
  it('--help with every real command equals the real text; with ours it lists only ours', () => {
    // The real client lists the auth plugins' options in hash order (it varies between runs), so
    // only the fixed start of the usage and the whole "Commands:" list are compared.
    const [head, cmds] = topHelp().split('Commands:\n') as [string, string];
    const [realHeadText, realCmds] = golden('top-help.txt').split('Commands:\n') as [string, string];
    expect(cmds).toBe(realCmds);
    expect(head.split('\n').slice(0, 17)).toEqual(realHeadText.split('\n').slice(0, 17));
    const ours = topLevel(['--help'], SUPPORTED);
    const realHead = head;
    expect(ours).toEqual({
      kind: 'output',
      stderr: '',
      exitCode: 0,
      stdout: `${realHead}Commands:\n  floating ip create  Create floating IP\n  network create  Create new network\n  network list   List networks\n  network show   Show network details\n  security group rule list  List security group rules\n  subnet pool create  Create subnet pool\n`,
    });
    expect(topLevel(['help'], SUPPORTED)).toEqual(ours);
    expect(topLevel(['--help'], [{ name: 'network list' }])).toMatchObject({ stdout: expect.stringContaining('  network list   List networks\n') });
  });
  it('longest-prefix matching of multi-word names, after global options', () => {
    expect(topLevel(['--os-cloud', 'openstack', '--debug', 'security', 'group', 'rule', 'list', '--long'], SUPPORTED)).toEqual({
      kind: 'command',
      name: 'security group rule list',
      rest: ['--long'],
    });
    expect(topLevel(['-v', '--os-region-name=RegionOne', 'network', 'show', 'net1', '-f', 'json'], SUPPORTED)).toEqual({ kind: 'command', name: 'network show', rest: ['net1', '-f', 'json'] });
    expect(topLevel(['help', 'network', 'show'], SUPPORTED)).toEqual({ kind: 'help', name: 'network show' });
  });
  it('a real command Stacklab does not simulate says so; a global option lacking its value is argparse\'s error', () => {
    const r = topLevel(['network', 'agent', 'list'], SUPPORTED);
    expect(r).toMatchObject({ kind: 'output', exitCode: 1, stdout: '' });
    expect(topLevel(['--os-cloud'], SUPPORTED)).toEqual({ kind: 'output', stdout: '', stderr: 'openstack: error: argument --os-cloud: expected one argument\n', exitCode: 2 });
  });
  it('fuzzy matching: prefix matches win, else the smallest cliff distance of the first word', () => {
    const pools = REAL_COMMANDS.filter((c) => c.startsWith('subnet pool '));
    expect(fuzzyMatches('subnet p', REAL_COMMANDS).slice(0, pools.length)).toEqual(pools);
    expect(fuzzyMatches('rutr', ['router list', 'server list', 'port list'])).toEqual(['router list']);
    expect(realSummary('network list')).toBe('List networks');
  });
});
