/** `cat FILE…`: each file as the host's tree has it (tree.ts: readHostFile), errors as coreutils words them. */
import type { HostCtx, HostResult } from './host.js';
import { readHostFile, STRERROR } from './tree.js';

export function catFiles(ctx: HostCtx, paths: string[]): HostResult {
  let stdout = '';
  let stderr = '';
  for (const p of paths.filter((x) => x !== '-')) {
    const r = readHostFile(ctx, p);
    if (r.ok) stdout += r.text;
    else stderr += `cat: ${p}: ${STRERROR[r.errno]}\n`;
  }
  return { stdout, stderr, exitCode: stderr ? 1 : 0 };
}
