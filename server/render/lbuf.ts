/** Lines fitted to the terminal as sudo's line buffer (sudo_lbuf) fits its usage and help. */

/**
 * A line fitted to the terminal as sudo does: a line longer than the room left is cut at its
 * last space within that room (or the first after it), and goes on indented; a terminal of
 * `indent` + 20 columns or fewer gets the line whole.
 */
export function fitLine(line: string, columns: number, indent: number): string {
  if (columns <= indent + 20) return `${line}\n`;
  let out = '';
  let rest = line;
  let room = columns;
  for (;;) {
    if (rest.length <= room) return `${out}${rest}\n`;
    let cut = rest.lastIndexOf(' ', room - 1);
    if (cut < 0) cut = rest.indexOf(' ', room);
    if (cut < 0) return `${out}${rest}\n`;
    out += `${rest.slice(0, cut)}\n${' '.repeat(indent)}`;
    rest = rest.slice(cut).replace(/^ +/, '');
    room = columns - indent;
  }
}
