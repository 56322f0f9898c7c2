/**
 * The shell's history of typed lines (the `history` builtin; snapshots keep it). runLine is a
 * pure step, so adding a line must leave the state before it as it was: copying the array did,
 * at a cost that grew with the session (two copies of 1,000 lines: ~20 µs a command, and an 8 KB
 * array per command for the collector to promote, since it lives until the learner's next
 * command). Here a history is a chain: each link holds one line and the history before it, so a
 * line is added in constant time and earlier histories share their links. The last `MAX_HISTORY`
 * lines are kept; the chain is cut back to them when it reaches twice that (once per 1,000 lines).
 */
export const MAX_HISTORY = 1000;

export class ShellHistory {
  static readonly EMPTY = new ShellHistory(null, null, 0);

  private constructor(
    private readonly line: string | null,
    private readonly before: ShellHistory | null,
    /** Links in the chain (up to twice MAX_HISTORY). */
    private readonly links: number,
  ) {}

  /** A history of the last MAX_HISTORY of `lines` (a snapshot's, oldest first). */
  static of(lines: readonly string[]): ShellHistory {
    let h = ShellHistory.EMPTY;
    for (let i = Math.max(0, lines.length - MAX_HISTORY); i < lines.length; i++)
      h = new ShellHistory(lines[i] as string, h, h.links + 1);
    return h;
  }

  /** How many lines are kept. */
  get length(): number {
    return Math.min(this.links, MAX_HISTORY);
  }

  /** This history with `line` added (this one is unchanged). */
  push(line: string): ShellHistory {
    const h = new ShellHistory(line, this, this.links + 1);
    return h.links >= 2 * MAX_HISTORY ? ShellHistory.of(h.lines()) : h;
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    const out = new Array<string>(this.length);
    let h: ShellHistory | null = null;
    for (let i = out.length - 1; i >= 0; i--) {
      h = h === null ? this : (h.before as ShellHistory);
      out[i] = h.line as string;
    }
    return out;
  }

  /** In a snapshot: the lines, as before there was a chain (snapshots stored then still load). */
  toJSON(): string[] {
    return this.lines();
  }
}
