/** Writes COMMANDS.md from the command table. */
import { writeFileSync } from 'node:fs';
import { commandsMarkdown } from '../server/cli/openstack/docs.js';

writeFileSync('COMMANDS.md', commandsMarkdown());
process.stdout.write('COMMANDS.md written\n');
