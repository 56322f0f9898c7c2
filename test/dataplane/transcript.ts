/** Replays a data-plane script: `openstack` lines through the session, host commands through runOnHost. */
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { promptFor, runOnHost, type HostId } from '../../server/cli/linux/index.js';
import { splitWords } from './words.js';

export function replay(fixture: string, lines: string[], host: HostId): string {
  let s: SessionState = createSession({ fixture, seed: 1 });
  const stack: HostId[] = [host];
  let out = '';
  for (const line of lines) {
    const cur = stack[stack.length - 1] ?? host;
    out += `${promptFor(s.cloud, cur)}${line}\n`;
    const argv = splitWords(line);
    if (argv[0] === 'exit') { stack.pop(); continue; }
    if (argv[0] === 'openstack') {
      const r = runLine(s, line);
      s = r.state;
      out += r.result.stdout + r.result.stderr;
      continue;
    }
    const r = runOnHost({ cloud: s.cloud, host: cur, env: s.env, columns: 80 }, argv);
    if (!r) { out += `${argv[0] ?? ''}: command not found\n`; continue; }
    out += r.stdout + r.stderr;
    if (r.exitCode !== 0) out += `[exit ${r.exitCode}]\n`;
    if (r.cloud) s = { ...s, cloud: r.cloud };
    if (r.enter) stack.push(r.enter);
  }
  return out;
}
