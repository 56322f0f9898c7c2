/**
 * The score outbox in PostgreSQL (server/lti/outbox.ts has the contract): one queue for every node
 * of a deployment. Claims are the SQLite outbox's, in one UPDATE each: a node claims a score only
 * while it is the oldest of its learner and line item and nobody else holds a live lease on it,
 * so each score is sent once by all the nodes together, and a dead node's lease runs out.
 */
import { randomBytes } from 'node:crypto';
import { enc, dec, type LtiDatabase } from './postgres.js';
import { fingerprint, LEASE_MS, MAX_PER_ITEM, rowReader, type Row, type ScoreOutbox, type SqliteOutboxOptions } from './outbox.js';

const COLS = 'id, learner, lineitem, issuer, client_id, body, created_at, next_at, attempts, last_error, claimed_by, claimed_until';
const HEAD_ONLY = 'o.id = (SELECT min(i.id) FROM lti_score_outbox i WHERE i.learner = o.learner AND i.lineitem = o.lineitem)';
/** Free for owner $1 at time $2: unclaimed, claimed by this node, or its lease ran out. */
const FREE = '(o.claimed_by IS NULL OR o.claimed_by = $1 OR o.claimed_until <= $2)';

/** Text columns come back as they were given (server/lti/postgres.ts stores U+0000 its own way). */
const decoded = (r: Row): Row => ({
  ...r,
  learner: dec(r.learner),
  lineitem: dec(r.lineitem),
  issuer: dec(r.issuer),
  client_id: dec(r.client_id),
  body: dec(r.body),
  last_error: r.last_error === null ? null : dec(r.last_error),
});

/** The outbox on the LTI tables' pool (`owner`: this node; default random per outbox). */
export function postgresOutbox(db: LtiDatabase, opts: SqliteOutboxOptions = {}): ScoreOutbox {
  const owner = opts.owner ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const clock = opts.now ?? Date.now;
  const read = rowReader(opts.log ?? ((m) => console.error(m)));
  const fromRow = (r: Row) => read(decoded(r));
  const release = db.retain();
  const { query } = db;
  return {
    enqueue: (s, now) =>
      db.transaction(async (q) => {
        const [learner, lineitem] = [enc(s.learner), enc(s.lineitem)];
        // Changed, or new: a row comes back. The row's lock holds other nodes' scores for this
        // learner and line item until this transaction ends, so the queue keeps their order.
        const changed = await q(
          `INSERT INTO lti_score_last AS l (learner, lineitem, fingerprint) VALUES ($1, $2, $3)
           ON CONFLICT (learner, lineitem) DO UPDATE SET fingerprint = excluded.fingerprint
           WHERE l.fingerprint <> excluded.fingerprint RETURNING 1`,
          [learner, lineitem, fingerprint(s.body)],
        );
        if (changed.length === 0) return { queued: null, dropped: 0 };
        const [row] = await q<Row>(
          `INSERT INTO lti_score_outbox (learner, lineitem, issuer, client_id, body, created_at, next_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLS}`,
          [learner, lineitem, enc(s.issuer), enc(s.clientId), enc(JSON.stringify(s.body)), now],
        );
        // The oldest waiting scores after the head (the head may be in flight) beyond MAX_PER_ITEM.
        const dropped = await q(
          `DELETE FROM lti_score_outbox WHERE id IN (
             SELECT id FROM lti_score_outbox WHERE learner = $1 AND lineitem = $2 ORDER BY id
             LIMIT GREATEST(0, (SELECT count(*) FROM lti_score_outbox WHERE learner = $1 AND lineitem = $2) - $3) OFFSET 1)
           RETURNING 1`,
          [learner, lineitem, MAX_PER_ITEM],
        );
        return { queued: row ? fromRow(row) : null, dropped: dropped.length };
      }),
    async heads() {
      const rows = await query<Row>(`SELECT ${COLS} FROM lti_score_outbox o WHERE ${HEAD_ONLY} AND ${FREE} ORDER BY id`, [owner, clock()]);
      return rows.flatMap((r) => fromRow(r) ?? []);
    },
    async claim(id) {
      const now = clock();
      // Of two nodes claiming at once, the second waits for the first's row lock, then finds the
      // row held (its lease is live) and gets nothing.
      const [row] = await query<Row>(
        `UPDATE lti_score_outbox AS o SET claimed_by = $1, claimed_until = $3
         WHERE o.id = $4 AND ${HEAD_ONLY} AND ${FREE} RETURNING ${COLS}`,
        [owner, now, now + leaseMs, id],
      );
      return row ? fromRow(row) : null;
    },
    async all() {
      return (await query<Row>(`SELECT ${COLS} FROM lti_score_outbox ORDER BY id`)).flatMap((r) => fromRow(r) ?? []);
    },
    async superseded(row) {
      const later = await query('SELECT 1 FROM lti_score_outbox WHERE learner = $1 AND lineitem = $2 AND id > $3 LIMIT 1', [enc(row.learner), enc(row.lineitem), row.id]);
      return later.length > 0;
    },
    async sent(id) {
      await query('DELETE FROM lti_score_outbox WHERE id = $1', [id]);
    },
    async failed(id, nextAt, error) {
      await query(
        'UPDATE lti_score_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3, claimed_by = NULL, claimed_until = 0 WHERE id = $1',
        [id, nextAt, enc(error.slice(0, 1000))],
      );
    },
    async restamp(id, timestamp) {
      const [r] = await query<Row>(`SELECT ${COLS} FROM lti_score_outbox WHERE id = $1`, [id]);
      const score = r ? fromRow(r) : null;
      if (score) await query('UPDATE lti_score_outbox SET body = $2 WHERE id = $1', [id, enc(JSON.stringify({ ...score.body, timestamp }))]);
    },
    async count() {
      const [r] = await query<{ n: number }>('SELECT count(*)::int AS n FROM lti_score_outbox');
      return r?.n ?? 0;
    },
    close: release,
  };
}
