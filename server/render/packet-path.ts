/**
 * `stacklab trace` output: a numbered hop list (where, then what happens there, indented) that
 * reads in 80 columns, then the verdict line. A fix command is printed whole on its own line, so
 * it can be copied.
 */

/** What the printer needs of a packet path (sim/api/packet-path.ts's PacketPath has it). */
export interface PathReport {
  from: string;
  to: string;
  proto: string;
  steps: ReadonlyArray<{ where: string; what: string; verdict: 'pass' | 'nat' | 'drop'; fix?: string }>;
  verdict: 'delivered' | 'dropped';
  reason: string;
}

/** Widest line the printer aims for (narrower terminals wrap at their width, down to 40). */
export const TRACE_WIDTH = 80;
const INDENT = '      ';

/** Splits at spaces into lines of at most `width` columns (a longer word stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `first` then `rest` in front of the wrapped lines of `text`. */
function block(text: string, first: string, rest: string, width: number): string {
  return wrapWords(text, Math.max(width - rest.length, 20)).map((l, i) => `${i === 0 ? first : rest}${l}\n`).join('');
}

function hopText(step: PathReport['steps'][number], n: number, width: number): string {
  const num = `${String(n).padStart(2)}  `;
  let out = block(step.where, num, INDENT, width);
  const at = step.fix ? step.what.indexOf(step.fix) : -1;
  if (step.fix === undefined || at < 0) return out + block(step.what, INDENT, INDENT, width);
  out += block(step.what.slice(0, at).trimEnd(), INDENT, INDENT, width);
  return `${out}${INDENT}${step.fix}\n`;
}

export function packetPathText(p: PathReport, columns = TRACE_WIDTH): string {
  const width = Math.max(40, Math.min(columns, TRACE_WIDTH));
  let out = `Path of ${p.proto} from ${p.from} to ${p.to}:\n`;
  p.steps.forEach((s, i) => { out += hopText(s, i + 1, width); });
  const stop = p.steps.findIndex((s) => s.verdict === 'drop');
  const head = p.verdict === 'delivered' ? 'delivered: ' : stop >= 0 ? `dropped at hop ${stop + 1}: ` : 'dropped: ';
  return out + block(`${head}${p.reason}`, '', '  ', width);
}
