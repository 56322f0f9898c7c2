/**
 * The terminal page: xterm.js with fit, the pure line editor, and a WebSocket to the learner's
 * session. The server owns the cloud and the prompt; the browser only edits and displays lines.
 * Around the terminal: the lab (or guide) pane with a resizable split, skip links and a keyboard
 * way out of the terminal (Esc then Tab), display settings, and a Reset that asks first.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { applyCompletion, draw, feed, formatCandidates, leave, lineTooLong, MAX_LINE, newEditor, type EditorState } from './line-editor.js';
import { esc, sessionOf } from './util.js';
import { applyTheme, fitWidthFor, FONT_SIZES, loadSettings, saveFitWidth, saveSettings, SPLIT, TERMINAL_THEMES, type Settings } from './settings.js';
import type { Grade, ServerMessage } from './types.js';
import { topologyView, type TopologyView } from './topology.js';
import { ownClient } from './own-client.js';
import type { TopologyMessage } from './topology-types.js';

export interface TerminalPage {
  /** `sandbox:FIXTURE` or `lab:ID`. */
  workspace: string;
  label: string;
  /** Fills the pane beside the terminal (lab steps or a sandbox's guide). */
  fillPane: (pane: HTMLElement) => void;
  onGrade?: (g: Grade) => void;
  onSolution?: (step: string, lines: string[]) => void;
  /** "Fit tables to the terminal" when the learner has not chosen. */
  fitWidthByDefault: boolean;
  /** What a reset loses, said before it is done. */
  resetWarning: string;
  /** A "Topology" tab beside the pane draws the learner's cloud (absent: no tab). */
  topology?: boolean;
}

/** What the lab pane sends through the terminal's socket. */
export interface TerminalLink {
  answer(check: string, value: string): void;
  solution(step: string): void;
  /** Tells the server the page showed hint `n` (1 = the first) of a step (recorded for the instructor). */
  hint(step: string, n: number): void;
}

const TERMINAL_HELP = 'Esc then Tab leaves the terminal';

function pageHtml(p: TerminalPage, s: Settings): string {
  const fonts = FONT_SIZES.map((n) => `<option value="${n}"${n === s.fontSize ? ' selected' : ''}>${n} px</option>`).join('');
  const lab = p.workspace.startsWith('lab:');
  return `<nav class="skips" aria-label="Skip links"><a class="skip" href="#lab" id="skip-lab">${lab ? 'Skip to the lab steps' : 'Skip to the guide'}</a><a class="skip" href="#terminal" id="skip-term">Go to the terminal</a></nav>
    <div class="workspace"><section class="lab-pane" id="lab" tabindex="-1" aria-label="${lab ? 'Lab steps' : 'Guide'}" style="flex-basis: ${s.split}%">${p.topology ? tabsHtml(lab) : ''}</section>
    <div class="splitter" id="splitter" role="separator" tabindex="0" aria-orientation="vertical" aria-controls="lab" aria-label="Width of the lab pane (arrow keys)" aria-valuemin="${SPLIT.min}" aria-valuemax="${SPLIT.max}" aria-valuenow="${s.split}"></div>
    <section class="term-pane" aria-label="Terminal"><div class="toolbar"><span class="name">${esc(p.label)}</span>
    <span class="term-help" id="term-help">${TERMINAL_HELP}</span>
    <details class="settings" id="settings"><summary>Settings</summary><div class="settings-panel">
      <label for="font-size">Font size</label><select id="font-size">${fonts}</select>
      <label for="theme">Theme</label><select id="theme"><option value="dark"${s.theme === 'dark' ? ' selected' : ''}>Dark</option><option value="light"${s.theme === 'light' ? ' selected' : ''}>Light</option></select>
      <label class="check-setting"><input type="checkbox" id="screen-reader"${s.screenReader ? ' checked' : ''} /> Screen reader mode for the terminal</label>
      <label class="check-setting"><input type="checkbox" id="fit-width" /> Fit tables to the terminal</label>
    </div></details>
    <button id="reset" type="button">Reset</button></div>
    <div id="terminal"></div></section></div>
    <dialog id="reset-dialog" aria-labelledby="reset-title" aria-describedby="reset-what"><h2 id="reset-title">Start over?</h2>
    <p id="reset-what">${esc(p.resetWarning)}</p>
    <form method="dialog" class="dialog-buttons"><button value="cancel" autofocus>Cancel</button><button value="reset" id="reset-confirm" class="danger">Reset</button></form></dialog>`;
}

/** "Steps | Topology" (a sandbox: "Guide | Topology"): the pane's two panels, the steps shown first. */
function tabsHtml(lab: boolean): string {
  return `<div class="pane-tabs" role="tablist" aria-label="${lab ? 'Steps or topology' : 'Guide or topology'}"><button type="button" role="tab" id="tab-steps" aria-controls="steps" aria-selected="true">${lab ? 'Steps' : 'Guide'}</button><button type="button" role="tab" id="tab-topology" aria-controls="topology" aria-selected="false" tabindex="-1">Topology</button></div>
    <div id="steps" role="tabpanel" aria-labelledby="tab-steps"></div><div id="topology" role="tabpanel" aria-labelledby="tab-topology" hidden></div>`;
}

export function terminalPage(app: HTMLElement, p: TerminalPage): TerminalLink {
  const status = document.getElementById('status') as HTMLElement;
  const settings = loadSettings();
  applyTheme(settings.theme);
  app.innerHTML = pageHtml(p, settings);
  const pane = document.getElementById('lab') as HTMLElement;
  const { term, fit } = openTerminal(settings);
  let editor: EditorState = newEditor('', [], term.cols);
  /** Draws the line being edited where it is on screen (wrapped over as many rows as it needs). */
  const redraw = () => {
    const d = draw(editor);
    editor = d.state;
    term.write(d.output);
  };
  const steps = p.topology ? (document.getElementById('steps') as HTMLElement) : pane;
  p.fillPane(steps);
  const type = (command: string) => {
    // As keys (End, Ctrl-U, the text): the line is replaced in turn, after any line still running.
    typeahead += `\x05\x15${command}`;
    drain();
    term.focus();
  };
  fillAround(app, pane, steps, term, type);
  // The view asks for an element's rows on the socket (`send`, below, exists by the time anyone clicks).
  const topology = p.topology ? paneTabs(pane, type, (id) => send({ t: 'details', id })) : null;
  if (topology && pane.hidden) topologyOnly(pane, topology);
  let ws: WebSocket | null = null;
  let ready = false;
  let waiting = 0;
  const queue: string[] = [];
  /**
   * Keys and pastes not read yet. Like a shell reading typeahead, the editor takes input only while
   * no line is waiting for its result, so each line of a paste is shown after its own prompt.
   */
  let typeahead = '';
  /** Whether the line being edited is on screen (no line submitted is waiting for its output). */
  const editing = () => waiting === 0 && queue.length === 0;
  let completing = '';
  /** A completion asked for and not answered yet: typeahead waits for it, as keys after Tab in bash see the completed line. */
  let completionPending = false;
  let retry = 0;
  let fitWidth = fitWidthFor(p.workspace, p.fitWidthByDefault);

  const write = (s: string) => term.write(s.replace(/\r?\n/g, '\r\n'));
  const send = (m: object): boolean => {
    if (ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(m));
    return true;
  };
  const sendResize = () => send({ t: 'resize', cols: Math.max(20, term.cols) });
  const pump = () => {
    while (ready && waiting === 0 && queue.length > 0 && ws?.readyState === WebSocket.OPEN) {
      const line = queue.shift() as string;
      // The server refuses a line over its limit; say so here, in turn, instead of sending it.
      const tooLong = lineTooLong(line);
      if (tooLong !== null) {
        write(tooLong);
        if (queue.length === 0) redraw();
        continue;
      }
      ws.send(JSON.stringify({ t: 'line', line }));
      waiting += 1;
    }
  };

  const onMessage = (m: ServerMessage | TopologyMessage) => {
    if (m.t === 'hello') {
      const first = !ready && editor.history.length === 0 && editor.prompt === '';
      editor = { ...newEditor(m.prompt, m.history, term.cols), buffer: editor.buffer, cursor: editor.cursor, row: editor.row };
      if (first) {
        write(`Stacklab ${p.workspace.startsWith('lab:') ? 'lab' : 'sandbox'} "${p.label}": a simulated OpenStack Zed cloud of your own.\r\n`);
        // A fresh page shows where the learner was; after a reconnect the screen is still there.
        if (m.scrollback) write(m.scrollback);
      }
      // After a reconnect the prompt is already on screen: redraw it instead of adding another.
      redraw();
      ready = true;
      waiting = 0;
      pump();
      drain();
      document.body.dataset['ready'] = '1';
    } else if (m.t === 'output') {
      // Output of a line still running (until its result).
      write(m.stdout);
    } else if (m.t === 'result') {
      waiting = Math.max(0, waiting - 1);
      write(m.stdout);
      if (m.stderr) write(m.stderr);
      editor = { ...editor, prompt: m.prompt, row: 0 };
      if (queue.length === 0) redraw();
      pump();
      drain();
    } else if (m.t === 'grade') {
      p.onGrade?.(m.result);
    } else if (m.t === 'solution') {
      p.onSolution?.(m.step, m.lines);
    } else if (m.t === 'topology') {
      topology?.view.update(m.topology);
    } else if (m.t === 'details') {
      topology?.view.details(m.id, m.rows);
    } else if (m.t === 'path') {
      // A trace typed in the terminal: its path is shown on the picture (the terminal keeps the focus).
      topology?.select('topology');
      topology?.view.showPath(m.path);
    } else if (m.t === 'completion') {
      // An answer to a request from before a reconnect: the line it completed is gone.
      if (!completionPending) return;
      completionPending = false;
      if (m.candidates.length > 1 && (m.replacement === undefined || m.replacement.length <= completing.length)) {
        // Below the whole line, however many rows it wraps over.
        const left = leave(editor);
        term.write(left.output + formatCandidates(m.candidates, term.cols).replace(/^\r\n/, ''));
        editor = left.state;
      }
      editor = applyCompletion(editor, completing, m.replacement);
      redraw();
      drain();
    } else {
      if (editing()) {
        const left = leave(editor);
        term.write(left.output);
        editor = left.state;
        write(`${m.message}\r\n`);
      } else write(`\r\n${m.message}\r\n`);
      redraw();
      // A refused message may be the completion asked for: the keys after it are read now.
      if (completionPending) {
        completionPending = false;
        drain();
      }
    }
  };

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    // A launch from an LMS has no cookie in its iframe: its session token goes with the socket.
    const session = sessionOf();
    ws = new WebSocket(`${proto}://${location.host}/ws?workspace=${encodeURIComponent(p.workspace)}${session === null ? '' : `&session=${encodeURIComponent(session)}`}`);
    ws.onopen = () => {
      retry = 0;
      status.textContent = 'connected';
      status.className = 'status connected';
      sendResize();
      // A display option of the session, not history: sent again on every connection.
      send({ t: 'options', fitWidth });
    };
    ws.onmessage = (ev) => onMessage(JSON.parse(String(ev.data)) as ServerMessage | TopologyMessage);
    ws.onclose = () => {
      // No answer will come on this socket; the keys typed after Tab are read on the next.
      completionPending = false;
      ready = false;
      status.textContent = 'disconnected — reconnecting…';
      status.className = 'status disconnected';
      retry += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retry, 5)));
    };
  };

  /** Feeds typeahead to the editor a line at a time, each line sent before the next is read. */
  function drain(): void {
    while (typeahead !== '' && editing() && !completionPending) {
      const r = feed(editor, typeahead, true);
      typeahead = r.rest;
      editor = r.state;
      if (r.output) term.write(r.output);
      for (const e of r.events) {
        if (e.kind === 'submit') {
          queue.push(e.line);
        } else if (e.kind === 'complete' && e.line.length <= MAX_LINE && ws?.readyState === WebSocket.OPEN) {
          completing = e.line;
          completionPending = true;
          ws.send(JSON.stringify({ t: 'complete', line: e.line }));
        } else if (e.kind === 'clear') {
          term.clear();
          redraw();
        } else if (e.kind === 'interrupt' || e.kind === 'eof') {
          redraw();
        }
      }
      pump();
    }
  }
  term.onData((data) => {
    // Ctrl-C while a line runs interrupts it (as the tty sends SIGINT); the rest of the typeahead waits as it is.
    if (data === '\x03' && waiting > 0 && send({ t: 'interrupt' })) return;
    typeahead += data;
    drain();
  });
  keyboardWayOut(term, pane);

  /** Refits the terminal to its box and redraws the line being edited at the new width. */
  const refit = () => {
    fit.fit();
    sendResize();
    if (term.cols === editor.cols) return;
    editor = { ...editor, cols: term.cols };
    // The terminal has reflowed the line to the new width: once what was written is on screen,
    // the cursor's row in the line is read from the rows it marks as wrapped, and the line redrawn.
    term.write('', () => {
      if (!editing() || !ready) return;
      const b = term.buffer.active;
      let y = b.baseY + b.cursorY;
      let row = 0;
      while (y > 0 && b.getLine(y)?.isWrapped) {
        row += 1;
        y -= 1;
      }
      editor = { ...editor, cols: term.cols, row };
      redraw();
    });
  };
  // Refit whenever the terminal's box changes (window resize, the lab pane filling in, the split moving).
  new ResizeObserver(refit).observe(document.getElementById('terminal') as HTMLElement);

  settingsPanel(term, refit);
  const fitBox = document.getElementById('fit-width') as HTMLInputElement;
  fitBox.checked = fitWidth;
  fitBox.addEventListener('change', () => {
    fitWidth = fitBox.checked;
    saveFitWidth(p.workspace, fitWidth);
    send({ t: 'options', fitWidth });
  });
  resizableSplit(pane, document.getElementById('splitter') as HTMLElement);

  const dialog = document.getElementById('reset-dialog') as HTMLDialogElement;
  document.getElementById('reset')?.addEventListener('click', () => dialog.showModal());
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'reset' && ws?.readyState === WebSocket.OPEN) {
      if (editing()) {
        // The screen and its scrollback go; the server's answer starts the new screen.
        term.write('\x1b[H\x1b[2J\x1b[3J');
        editor = { ...editor, buffer: '', cursor: 0, row: 0 };
      } else write('\r\n');
      ws.send(JSON.stringify({ t: 'reset' }));
      waiting += 1;
    }
    dialog.returnValue = '';
    term.focus();
  });
  ownClient(p.workspace, () => term.focus());
  connect();
  term.focus();
  return {
    answer: (check, value) => send({ t: 'answer', check, value }),
    solution: (step) => send({ t: 'solution', step }),
    hint: (step, n) => send({ t: 'hint', step, n }),
  };
}

/** xterm.js with the learner's settings, fitted to its box (and reachable by the browser specs). */
function openTerminal(settings: Settings): { term: Terminal; fit: FitAddon } {
  // A little extra line height keeps underscores visible with common monospace fonts.
  const term = new Terminal({
    cursorBlink: true,
    convertEol: false,
    fontSize: settings.fontSize,
    lineHeight: 1.2,
    scrollback: 5000,
    screenReaderMode: settings.screenReader,
    theme: TERMINAL_THEMES[settings.theme],
    fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal') as HTMLElement);
  term.textarea?.setAttribute('aria-describedby', 'term-help');
  fit.fit();
  (window as unknown as { stacklabTerm: Terminal }).stacklabTerm = term;
  return { term, fit };
}

/**
 * The pane's commands (click, Enter or Space types one), the links to the terminal and to the
 * pane, and no pane at all when there are no steps to show (a sandbox without a guide).
 */
function fillAround(app: HTMLElement, pane: HTMLElement, steps: HTMLElement, term: Terminal, type: (command: string) => void): void {
  if (steps.innerHTML === '') for (const id of ['lab', 'splitter', 'skip-lab']) (document.getElementById(id) as HTMLElement).hidden = true;
  else steps.insertAdjacentHTML('beforeend', '<p class="back"><a class="skip-back" href="#terminal">Go to the terminal</a></p>');
  const command = (target: EventTarget | null) => (target instanceof HTMLElement && target.classList.contains('cmd') ? target : null);
  pane.addEventListener('click', (ev) => {
    const cmd = command(ev.target);
    if (cmd) type(cmd.textContent ?? '');
  });
  // Only a command of the pane takes Enter and Space: an answer box, a button or a link keeps its own.
  pane.addEventListener('keydown', (ev) => {
    const cmd = command(ev.target);
    if (!cmd || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    type(cmd.textContent ?? '');
  });
  // Links to the terminal focus it, the skip link focuses the pane (an anchor alone would only scroll).
  app.addEventListener('click', (ev) => {
    if (!(ev.target instanceof HTMLAnchorElement)) return;
    const to = ev.target.getAttribute('href') === '#terminal' ? term : ev.target.id === 'skip-lab' ? pane : null;
    if (!to) return;
    ev.preventDefault();
    to.focus();
  });
}

/**
 * The pane's tabs: Steps (or Guide) and Topology, switched by click or the arrow keys (one tab
 * stop, as a tablist). The topology is drawn while hidden too, so it is current when shown.
 */
function paneTabs(pane: HTMLElement, type: (command: string) => void, requestDetails: (elementId: string) => void): { view: TopologyView; select(which: 'steps' | 'topology'): void } {
  const tabs = { steps: document.getElementById('tab-steps') as HTMLElement, topology: document.getElementById('tab-topology') as HTMLElement };
  const panels = { steps: document.getElementById('steps') as HTMLElement, topology: document.getElementById('topology') as HTMLElement };
  const view = topologyView(panels.topology, { type, requestDetails });
  const select = (which: 'steps' | 'topology') => {
    for (const k of ['steps', 'topology'] as const) {
      tabs[k].setAttribute('aria-selected', String(k === which));
      tabs[k].tabIndex = k === which ? 0 : -1;
      panels[k].hidden = k !== which;
    }
    pane.classList.toggle('pane-topology', which === 'topology');
    if (which === 'topology') view.shown();
  };
  tabs.steps.addEventListener('click', () => select('steps'));
  tabs.topology.addEventListener('click', () => select('topology'));
  pane.querySelector('.pane-tabs')?.addEventListener('keydown', (ev) => {
    const key = (ev as KeyboardEvent).key;
    if (key !== 'ArrowLeft' && key !== 'ArrowRight' && key !== 'Home' && key !== 'End') return;
    ev.preventDefault();
    const which = key === 'Home' ? 'steps' : key === 'End' ? 'topology' : tabs.steps.getAttribute('aria-selected') === 'true' ? 'topology' : 'steps';
    select(which);
    tabs[which].focus();
  });
  return { view, select };
}

/**
 * A sandbox without a guide keeps the whole width for the terminal: its topology is a pane the
 * toolbar's "Topology" button shows and hides.
 */
function topologyOnly(pane: HTMLElement, topology: { view: TopologyView; select(which: 'steps' | 'topology'): void }): void {
  (document.getElementById('tab-steps') as HTMLElement).hidden = true;
  topology.select('topology');
  document.getElementById('reset')?.insertAdjacentHTML('beforebegin', '<button id="show-topology" type="button" aria-controls="lab" aria-pressed="false">Topology</button>');
  const button = document.getElementById('show-topology') as HTMLElement;
  button.addEventListener('click', () => {
    const show = pane.hidden;
    pane.hidden = !show;
    (document.getElementById('splitter') as HTMLElement).hidden = !show;
    button.setAttribute('aria-pressed', String(show));
    if (show) topology.view.shown();
  });
}

/** Font size, theme and screen-reader mode: applied at once and remembered; Esc closes the panel. */
function settingsPanel(term: Terminal, refit: () => void): void {
  const changed = (change: Partial<Settings>) => {
    const s = saveSettings(change);
    applyTheme(s.theme);
    term.options.theme = TERMINAL_THEMES[s.theme];
    term.options.screenReaderMode = s.screenReader;
    if (term.options.fontSize !== s.fontSize) {
      term.options.fontSize = s.fontSize;
      refit();
    }
  };
  document.getElementById('font-size')?.addEventListener('change', (ev) => changed({ fontSize: Number((ev.target as HTMLSelectElement).value) }));
  document.getElementById('theme')?.addEventListener('change', (ev) => changed({ theme: (ev.target as HTMLSelectElement).value === 'light' ? 'light' : 'dark' }));
  document.getElementById('screen-reader')?.addEventListener('change', (ev) => changed({ screenReader: (ev.target as HTMLInputElement).checked }));
  const panel = document.getElementById('settings') as HTMLDetailsElement;
  panel.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || !panel.open) return;
    panel.open = false;
    panel.querySelector('summary')?.focus();
  });
}

/**
 * The terminal takes Tab (completion) and Esc, so Esc then Tab leaves it: forward to the lab pane,
 * back (Shift-Tab) to the toolbar before it. Ctrl/Cmd-C with a selection copies it.
 */
function keyboardWayOut(term: Terminal, pane: HTMLElement): void {
  let escaped = false;
  term.attachCustomKeyEventHandler((ev) => {
    if (ev.type === 'keydown' && (ev.ctrlKey || ev.metaKey) && ev.key === 'c' && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection());
      return false;
    }
    // Esc still reaches the line editor (it ends a Ctrl-R search; alone it changes nothing).
    if (ev.key === 'Escape') {
      if (ev.type === 'keydown') escaped = true;
      return true;
    }
    if (ev.key === 'Tab' && escaped) {
      if (ev.type === 'keydown') {
        escaped = false;
        ev.preventDefault();
        const target = ev.shiftKey || pane.hidden ? document.getElementById('reset') : pane;
        target?.focus();
      }
      return false;
    }
    if (ev.type === 'keydown' && !['Shift', 'Control', 'Alt', 'Meta'].includes(ev.key)) escaped = false;
    return true;
  });
}

/** The split between the lab pane and the terminal: dragged, or moved with the arrow keys; remembered. */
function resizableSplit(pane: HTMLElement, handle: HTMLElement): void {
  const set = (percent: number) => {
    const v = Math.round(Math.min(SPLIT.max, Math.max(SPLIT.min, percent)));
    pane.style.flexBasis = `${v}%`;
    handle.setAttribute('aria-valuenow', String(v));
    saveSettings({ split: v });
  };
  const now = () => Number(handle.getAttribute('aria-valuenow'));
  handle.addEventListener('keydown', (ev) => {
    const by: Record<string, number> = { ArrowLeft: -SPLIT.step, ArrowRight: SPLIT.step, Home: SPLIT.min - now(), End: SPLIT.max - now() };
    const d = by[ev.key];
    if (d === undefined) return;
    ev.preventDefault();
    set(now() + d);
  });
  handle.addEventListener('pointerdown', (ev) => {
    handle.setPointerCapture(ev.pointerId);
    const box = (handle.parentElement as HTMLElement).getBoundingClientRect();
    const move = (e: PointerEvent) => set(((e.clientX - box.left) / box.width) * 100);
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', () => handle.removeEventListener('pointermove', move), { once: true });
  });
}
