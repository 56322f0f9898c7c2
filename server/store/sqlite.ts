/** The SQLite CloudStore (better-sqlite3, WAL): forward-only migrations, one transaction per command. */
import Database from 'better-sqlite3';
import type { CloudStore, HistoryEntry, Learner } from './types.js';

/** Forward-only migrations; the index + 1 is the schema version. Never edit a shipped one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE session (learner_id TEXT NOT NULL REFERENCES learner(id), workspace TEXT NOT NULL,
     snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (learner_id, workspace));
   CREATE TABLE history (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, seq INTEGER NOT NULL,
     line TEXT NOT NULL, stdout TEXT NOT NULL, stderr TEXT NOT NULL, exit_code INTEGER NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (learner_id, workspace, seq));`,
  // 2: snapshots are taken every few commands; the history after a snapshot is replayed.
  `ALTER TABLE session ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;`,
];

export function sqliteStore(file: string): CloudStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill (not a power cut) and is ten times faster than FULL.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  const q = {
    insLearner: db.prepare('INSERT INTO learner (id, name, created_at) VALUES (?, ?, ?)'),
    getLearner: db.prepare('SELECT id, name, created_at AS createdAt FROM learner WHERE id = ?'),
    renameLearner: db.prepare('UPDATE learner SET name = ? WHERE id = ?'),
    getSession: db.prepare('SELECT snapshot, seq FROM session WHERE learner_id = ? AND workspace = ?'),
    putSession: db.prepare(
      `INSERT INTO session (learner_id, workspace, snapshot, updated_at, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (learner_id, workspace) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at, seq = excluded.seq`,
    ),
    learnersIn: db.prepare('SELECT learner_id AS id FROM session WHERE workspace = ? UNION SELECT learner_id FROM history WHERE workspace = ? ORDER BY 1'),
    since: db.prepare(
      'SELECT seq, line, stdout, stderr, exit_code AS exitCode, at FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? ORDER BY seq',
    ),
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM history WHERE learner_id = ? AND workspace = ?'),
    insHistory: db.prepare(
      'INSERT INTO history (learner_id, workspace, seq, line, stdout, stderr, exit_code, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare(
      `SELECT seq, line, stdout, stderr, exit_code AS exitCode, at FROM (
         SELECT * FROM history WHERE learner_id = ? AND workspace = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    ),
  };
  const append = (learnerId: string, workspace: string, e: Omit<HistoryEntry, 'seq'>): HistoryEntry => {
    const { seq } = q.nextSeq.get(learnerId, workspace) as { seq: number };
    q.insHistory.run(learnerId, workspace, seq, e.line, e.stdout, e.stderr, e.exitCode, e.at);
    return { ...e, seq };
  };
  const saveStep = db.transaction((learnerId: string, workspace: string, snapshot: string | null, e: Omit<HistoryEntry, 'seq'>) => {
    const saved = append(learnerId, workspace, e);
    if (snapshot !== null) q.putSession.run(learnerId, workspace, snapshot, e.at, saved.seq);
    return saved;
  });
  const reset = db.transaction((learnerId: string, workspace: string, snapshot: string, at: number) => {
    const saved = append(learnerId, workspace, { line: '#reset', stdout: '', stderr: '', exitCode: 0, at });
    q.putSession.run(learnerId, workspace, snapshot, at, saved.seq);
  });
  return {
    createLearner(id, name, at) {
      q.insLearner.run(id, name, at);
      return { id, name, createdAt: at };
    },
    getLearner(id) {
      return (q.getLearner.get(id) as Learner | undefined) ?? null;
    },
    renameLearner(id, name) {
      q.renameLearner.run(name, id);
    },
    loadSession(learnerId, workspace) {
      const row = q.getSession.get(learnerId, workspace) as { snapshot: string; seq: number } | undefined;
      return row ? { snapshot: row.snapshot, seq: row.seq } : null;
    },
    historySince(learnerId, workspace, afterSeq) {
      return q.since.all(learnerId, workspace, afterSeq) as HistoryEntry[];
    },
    saveStep: (l, w, s, e) => saveStep(l, w, s, e),
    resetSession: (l, w, s, at) => reset(l, w, s, at),
    history(learnerId, workspace, limit = 1000) {
      return q.history.all(learnerId, workspace, limit) as HistoryEntry[];
    },
    learnersIn(workspace) {
      return (q.learnersIn.all(workspace, workspace) as Array<{ id: string }>).map((r) => r.id);
    },
    close() {
      db.close();
    },
  };
}
