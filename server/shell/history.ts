/**
 * The shell's history of typed lines (the `history` builtin; a snapshot leaves it to the store's
 * history table, and opening a workspace reads it back). runLine is a
 * pure step, so adding a line must leave the state before it as it was: copying the array did,
 * at a cost that grew with the session (two copies of 1,000 lines: ~20 µs a command, and an 8 KB
 * array per command for the collector to promote, since it lives until the learner's next
 * command). Here a history is a chain: each link holds one line and the history before it, so a
 * line is added in constant time and earlier histories share their links (and packs: PACK). The last
 * `MAX_HISTORY` lines are kept; the chain is cut back to them when it reaches twice that (once per
 * 1,000 lines).
 */
export const MAX_HISTORY = 1000;

/**
 * Lines a chain holds one link each before they are packed into one string. A link and its line
 * are two objects of ~100 bytes for the collector to mark, for as long as the learner is here: a
 * class of 2,000 two hours in (~700 lines each) held ~3 million of them. Packed, 64 lines are one
 * string (their JSON) and a small record: about half the bytes, two objects for 64 lines (the
 * fewer than 64 newest lines stay links).
 */
const PACK = 64;

/** PACK lines as one string (a JSON array: any line round-trips exactly), and the packs before. */
interface Pack {
  readonly json: string;
  readonly before: Pack | null;
}

export class ShellHistory {
  static readonly EMPTY = new ShellHistory(null, null, null, 0, 0);

  private constructor(
    /** The newest line, when it is not packed yet (null: every line of this history is in `packs`). */
    private readonly line: string | null,
    /** The history before this line. */
    private readonly before: ShellHistory | null,
    /** The packed lines, older than every unpacked one. */
    private readonly packs: Pack | null,
    /** Unpacked lines in this link and the links before it (down to the packs). */
    private readonly loose: number,
    /** Lines in the chain (up to twice MAX_HISTORY). */
    private readonly links: number,
  ) {}

  /** A history of the last MAX_HISTORY of `lines` (a snapshot's, oldest first). */
  static of(lines: readonly string[]): ShellHistory {
    // The chain adding them one by one would make, made at once: full packs, then loose links.
    const start = Math.max(0, lines.length - MAX_HISTORY);
    const packed = (lines.length - start) - ((lines.length - start) % PACK);
    let packs: Pack | null = null;
    for (let i = start; i < start + packed; i += PACK) packs = { json: JSON.stringify(lines.slice(i, i + PACK)), before: packs };
    let h = packed === 0 ? ShellHistory.EMPTY : new ShellHistory(null, null, packs, 0, packed);
    for (let i = start + packed; i < lines.length; i++) h = h.add(lines[i] as string);
    return h;
  }

  /** How many lines are kept. */
  get length(): number {
    return Math.min(this.links, MAX_HISTORY);
  }

  /** This history with `line` added (this one is unchanged). */
  push(line: string): ShellHistory {
    const h = this.add(line);
    return h.links >= 2 * MAX_HISTORY ? ShellHistory.of(h.lines()) : h;
  }

  private add(line: string): ShellHistory {
    if (this.loose + 1 < PACK) return new ShellHistory(line, this, this.packs, this.loose + 1, this.links + 1);
    // The PACKth unpacked line: the lot becomes one pack.
    const json = JSON.stringify([...this.unpacked(), line]);
    return new ShellHistory(null, null, { json, before: this.packs }, 0, this.links + 1);
  }

  /** The unpacked lines, oldest first. */
  private unpacked(): string[] {
    const out = new Array<string>(this.loose);
    let h: ShellHistory | null = null;
    for (let i = out.length - 1; i >= 0; i--) {
      h = h === null ? this : (h.before as ShellHistory);
      out[i] = h.line as string;
    }
    return out;
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    const parts: string[][] = [this.unpacked()];
    let count = this.loose;
    for (let p = this.packs; p !== null && count < MAX_HISTORY; p = p.before) {
      const lines = JSON.parse(p.json) as string[];
      parts.push(lines);
      count += lines.length;
    }
    const all = parts.reverse().flat();
    return all.length > MAX_HISTORY ? all.slice(all.length - MAX_HISTORY) : all;
  }

  /** As JSON: the lines (what snapshots held before they left the history to the store). */
  toJSON(): string[] {
    return this.lines();
  }
}
