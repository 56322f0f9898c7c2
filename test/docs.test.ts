import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { commandsMarkdown } from '../server/cli/openstack/docs.js';
import { FIXTURES_BEGIN, FIXTURES_END, fixturesMarkdown, withFixturesSection } from '../server/sim/fixtures-doc.js';
import { fixtureSpec } from '../server/shell/fixtures.js';
import { fixtureHosts, fixtureNames } from '../server/shell/session.js';

it('COMMANDS.md is generated from the command table (run `npm run docs` after changing commands)', () => {
  expect(readFileSync('COMMANDS.md', 'utf8')).toBe(commandsMarkdown());
});

it("labs/README.md's fixtures section is generated from the fixtures (run `npm run docs` after changing one)", () => {
  const readme = readFileSync('labs/README.md', 'utf8');
  const section = fixturesMarkdown(fixtureNames().map((name) => ({ name, spec: fixtureSpec(name), hosts: fixtureHosts(name) })));
  expect(readme).toBe(withFixturesSection(readme, section));
  // Every fixture is in it, with its hosts.
  const generated = readme.slice(readme.indexOf(FIXTURES_BEGIN), readme.indexOf(FIXTURES_END));
  for (const name of fixtureNames()) {
    expect(generated).toContain(`### \`${name}\``);
    for (const h of fixtureHosts(name)) expect(generated).toContain(`\`${h}\``);
  }
});

it('the fixtures section changes with a fixture, and the README markers are required', () => {
  const spec = fixtureSpec('network-node');
  const base = { name: 'network-node', spec, hosts: fixtureHosts('network-node') };
  const renamed = { ...base, spec: { ...spec, routers: [{ name: 'other-router', interfaces: ['subnet1'] }] } };
  expect(fixturesMarkdown([base])).toContain('`my-router`');
  expect(fixturesMarkdown([renamed])).not.toContain('`my-router`');
  expect(fixturesMarkdown([renamed])).toContain('`other-router`');
  expect(() => withFixturesSection('# no markers\n', 'x')).toThrow(/fixtures:begin/);
  expect(withFixturesSection(`a\n${FIXTURES_BEGIN}\nold\n${FIXTURES_END}\nb\n`, 'new\n')).toBe(`a\n${FIXTURES_BEGIN}\n\nnew\n\n${FIXTURES_END}\nb\n`);
});
