/** Writes COMMANDS.md from the command table, and the fixtures section of labs/README.md from the fixture files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { commandsMarkdown } from '../server/cli/openstack/docs.js';
import { fixturesMarkdown, withFixturesSection } from '../server/sim/fixtures-doc.js';
import { fixtureSpec } from '../server/shell/fixtures.js';
import { fixtureHosts, fixtureNames } from '../server/shell/session.js';

writeFileSync('COMMANDS.md', commandsMarkdown());
process.stdout.write('COMMANDS.md written\n');

const LABS_README = 'labs/README.md';
const section = fixturesMarkdown(fixtureNames().map((name) => ({ name, spec: fixtureSpec(name), hosts: fixtureHosts(name) })));
writeFileSync(LABS_README, withFixturesSection(readFileSync(LABS_README, 'utf8'), section));
process.stdout.write(`${LABS_README} (fixtures section) written\n`);
