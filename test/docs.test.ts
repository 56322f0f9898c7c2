import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { commandsMarkdown } from '../server/cli/openstack/docs.js';

it('COMMANDS.md is generated from the command table (run `npm run docs` after changing commands)', () => {
  expect(readFileSync('COMMANDS.md', 'utf8')).toBe(commandsMarkdown());
});
