/** The client's entry: routes a path to its page (home, sandbox, lab, instructors). */
import './style.css';
import { terminalPage } from './terminal.js';
import { labPage } from './lab.js';
import { catalogue } from './pages.js';
import { instructorPage } from './instructor.js';
import { adoptSession, clickableCommands, markdown } from './util.js';

const GUIDES = import.meta.glob('./guides/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const SANDBOX_RESET =
  'Your cloud goes back to its starting state: everything you created in it is deleted, and the terminal is cleared (its scrollback is not shown again).';

/** A sandbox: its guide beside the terminal (each command of it clickable). */
function sandboxPage(app: HTMLElement, fixture: string): void {
  terminalPage(app, {
    workspace: `sandbox:${fixture}`,
    label: `sandbox: ${fixture}`,
    fitWidthByDefault: false,
    resetWarning: SANDBOX_RESET,
    topology: true,
    fillPane(pane) {
      const guide = GUIDES[`./guides/${fixture}.md`];
      if (!guide) return;
      pane.innerHTML = markdown(guide);
      clickableCommands(pane);
    },
  });
}

adoptSession();
const app = document.getElementById('app') as HTMLElement;
const sandbox = /^\/sandbox\/([a-z0-9-]+)$/.exec(location.pathname);
const labRoute = /^\/lab\/([a-z0-9-]+)$/.exec(location.pathname);
if (sandbox) sandboxPage(app, sandbox[1] as string);
else if (labRoute) void labPage(app, labRoute[1] as string);
else if (location.pathname === '/instructor') void instructorPage(app);
else void catalogue(app);
