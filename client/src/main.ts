/**
 * The terminal page: xterm.js with fit, the pure line editor, and a WebSocket to the learner's
 * session. The server owns the cloud and the prompt; the browser only edits and displays lines.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { applyCompletion, feed, formatCandidates, newEditor, render, type EditorState } from './line-editor.js';

const GUIDES = import.meta.glob('./guides/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Markdown to safe HTML: rendered with marked, sanitised with DOMPurify. */
export function markdown(md: string): string {
  return DOMPurify.sanitize(marked.parse(md, { async: false }));
}

interface Fixture {
  name: string;
  description: string;
  startHost: string;
}

type ServerMessage =
  | { t: 'hello'; prompt: string; history: string[]; workspace: string; fixture: string; learner: string }
  | { t: 'result'; stdout: string; stderr: string; exitCode: number; prompt: string }
  | { t: 'completion'; candidates: string[]; replacement?: string }
  | { t: 'error'; message: string };

const app = document.getElementById('app') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function catalogue(): Promise<void> {
  const fixtures = (await (await fetch('/api/fixtures')).json()) as Fixture[];
  const me = (await (await fetch('/api/me')).json()) as { id: string; name: string };
  app.innerHTML = `<section class="catalogue">
    <form id="who" class="who"><label for="name">Your name</label>
    <input id="name" name="name" maxlength="40" value="${esc(me.name)}" autocomplete="nickname" />
    <button type="submit">Save</button> <span id="saved" role="status"></span></form>
    <h1>Sandboxes</h1>
    <p>Free play on a simulated OpenStack Zed cloud of your own. Type real <code>openstack</code> commands.</p>
    <div class="cards">${fixtures
      .map((f) => `<a class="card" href="/sandbox/${esc(f.name)}"><h2>${esc(f.name)}</h2><p>${esc(f.description)}</p></a>`)
      .join('')}</div></section>`;
  document.getElementById('who')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = (document.getElementById('name') as HTMLInputElement).value;
    void fetch('/api/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).then(async (r) => {
      (document.getElementById('saved') as HTMLElement).textContent = r.ok ? 'saved' : ((await r.json()) as { error: string }).error;
    });
  });
  document.body.dataset['ready'] = '1';
}

function terminalPage(fixture: string): void {
  app.innerHTML = `<div class="workspace"><aside class="lab-pane" id="lab"></aside>
    <section class="term-pane"><div class="toolbar"><span class="name">sandbox: ${esc(fixture)}</span>
    <button id="reset" type="button" title="Start this cloud over from its fixture">Reset</button></div>
    <div id="terminal"></div></section></div>`;
  // A little extra line height keeps underscores visible with common monospace fonts.
  const term = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 14, lineHeight: 1.2, scrollback: 5000, fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace" });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal') as HTMLElement);
  fit.fit();
  (window as unknown as { stacklabTerm: Terminal }).stacklabTerm = term;
  let editor: EditorState = newEditor('');
  const guide = GUIDES[`./guides/${fixture}.md`];
  const pane = document.getElementById('lab') as HTMLElement;
  if (guide) {
    pane.innerHTML = markdown(guide);
    // Each line of a code block is a command: clicking one types it at the prompt.
    for (const pre of Array.from(pane.querySelectorAll('pre'))) {
      const lines = (pre.textContent ?? '').split('\n').filter((l) => l.trim() !== '');
      pre.innerHTML = lines.map((l) => `<code class="cmd" tabindex="0" role="button" title="Type this command">${esc(l)}</code>`).join('\n');
    }
    pane.addEventListener('click', (ev) => typeCommand(ev.target));
    pane.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        typeCommand(ev.target);
      }
    });
  }
  function typeCommand(target: EventTarget | null): void {
    if (!(target instanceof HTMLElement) || !target.classList.contains('cmd')) return;
    const text = target.textContent ?? '';
    editor = { ...editor, buffer: text, cursor: text.length };
    term.write(render(editor));
    term.focus();
  }
  let ws: WebSocket | null = null;
  let ready = false;
  let waiting = 0;
  const queue: string[] = [];
  let completing = '';
  let retry = 0;

  const write = (s: string) => term.write(s.replace(/\r?\n/g, '\r\n'));
  const sendResize = () => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'resize', cols: Math.max(20, term.cols) }));
  };
  const pump = () => {
    while (ready && waiting === 0 && queue.length > 0 && ws?.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ t: 'line', line: queue.shift() }));
      waiting += 1;
    }
  };

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/ws?workspace=${encodeURIComponent(`sandbox:${fixture}`)}`);
    ws.onopen = () => {
      retry = 0;
      status.textContent = 'connected';
      status.className = 'status connected';
      sendResize();
    };
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as ServerMessage;
      if (m.t === 'hello') {
        const first = !ready && editor.history.length === 0 && editor.prompt === '';
        editor = { ...newEditor(m.prompt, m.history), buffer: editor.buffer, cursor: editor.cursor };
        if (first) write(`Stacklab sandbox "${m.fixture}": a simulated OpenStack Zed cloud of your own.\r\n`);
        // After a reconnect the prompt is already on screen: redraw it instead of adding another.
        term.write(render(editor));
        ready = true;
        waiting = 0;
        pump();
        document.body.dataset['ready'] = '1';
      } else if (m.t === 'result') {
        waiting = Math.max(0, waiting - 1);
        write(m.stdout);
        if (m.stderr) write(m.stderr);
        editor = { ...editor, prompt: m.prompt };
        if (queue.length === 0) term.write(render(editor));
        pump();
      } else if (m.t === 'completion') {
        if (m.candidates.length > 1 && (m.replacement === undefined || m.replacement.length <= completing.length)) {
          term.write(formatCandidates(m.candidates, term.cols));
        }
        editor = applyCompletion(editor, completing, m.replacement);
        term.write(render(editor));
      } else {
        write(`\r\n${m.message}\r\n`);
        term.write(render(editor));
      }
    };
    ws.onclose = () => {
      ready = false;
      status.textContent = 'disconnected — reconnecting…';
      status.className = 'status disconnected';
      retry += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retry, 5)));
    };
  };

  term.onData((data) => {
    const r = feed(editor, data);
    editor = r.state;
    if (r.output) term.write(r.output);
    for (const e of r.events) {
      if (e.kind === 'submit') {
        queue.push(e.line);
      } else if (e.kind === 'complete' && ws?.readyState === WebSocket.OPEN) {
        completing = e.line;
        ws.send(JSON.stringify({ t: 'complete', line: e.line }));
      } else if (e.kind === 'clear') {
        term.clear();
        term.write(render(editor));
      } else if (e.kind === 'interrupt' || e.kind === 'eof') {
        term.write(render(editor));
      }
    }
    pump();
  });
  // Copy: selected text goes to the clipboard with Ctrl/Cmd-C when there is a selection.
  term.attachCustomKeyEventHandler((ev) => {
    if (ev.type === 'keydown' && (ev.ctrlKey || ev.metaKey) && ev.key === 'c' && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection());
      return false;
    }
    return true;
  });
  document.getElementById('reset')?.addEventListener('click', () => {
    if (ws?.readyState === WebSocket.OPEN) {
      write('\r\n');
      ws.send(JSON.stringify({ t: 'reset' }));
      waiting += 1;
    }
    term.focus();
  });
  window.addEventListener('resize', () => {
    fit.fit();
    sendResize();
  });
  connect();
  term.focus();
}

const m = /^\/sandbox\/([a-z0-9-]+)$/.exec(location.pathname);
if (m) terminalPage(m[1] as string);
else void catalogue();
