/**
 * What every PostgreSQL user of a node shares (the workspaces' store, application credentials,
 * revocations, LTI): a pool opened the same way (timeouts that also fire when the server is gone,
 * keep-alive, BIGINT read as numbers, idle failures logged rather than fatal), failures in words
 * as StoreErrors, the URL printable without its password, and NUL-safe text.
 */
import pg from 'pg';
import { StoreError } from './types.js';

export interface PgPoolOptions {
  /** Connections this process keeps open at most (each node has its own pool). */
  poolSize?: number;
  /** The server cancels a statement that runs longer. Default 10,000 ms. */
  statementTimeoutMs?: number;
  /** Waiting longer for a connection (a new one, or a free one of the pool) fails. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Where failures that no caller waits for go (an idle connection dropped by the server). Default stderr. */
  log?: (message: string) => void;
}

/** Network errors of Node's sockets: the database cannot be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOENT']);

/** Words for a failure, as a learner or an operator should read them (SQLSTATE codes, then sockets). */
function wordsFor(code: string, message: string): string {
  if (code === '53100') return "the server's disk is full";
  if (code === '25006') return "the server's database is read-only";
  // Too many connections, a statement timeout, a lock or serialisation wait: worth trying again.
  if (['53300', '53400', '57014', '55P03', '40001', '40P01'].includes(code)) return "the server's database is busy";
  if (code.startsWith('53')) return "the server's database has run out of resources";
  if (code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code) || UNREACHABLE.has(code)) return "the server's database is unreachable";
  if (code.startsWith('28')) return "the server's database refused the server's credentials";
  if (code === '3D000') return "the server's database does not exist";
  if (code === 'XX001' || code === 'XX002') return "the server's database is damaged";
  // The driver's own words (no code of either kind): every pooled connection stayed in use too long,
  // or a connection ended or never came.
  if (code === '' && /timeout exceeded when trying to connect/i.test(message)) return "the server's database is busy";
  if (code === '' && /terminat|timeout|timed out|connect|closed/i.test(message)) return "the server's database is unreachable";
  if (code === '' && /after calling end/i.test(message)) return "the server's database connection is closed";
  return "the server's database failed";
}

export function pgStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const raw = (e as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : '';
  const message = e instanceof Error ? e.message : String(e);
  const words = wordsFor(code, message);
  const driverCode = words.endsWith('unreachable') ? 'CONNECTION' : words.endsWith('busy') ? 'POOL_TIMEOUT' : 'UNKNOWN';
  return new StoreError(words, code !== '' ? code : driverCode, e);
}

/** The URL as it may be printed: without its password. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.href;
  } catch {
    return 'STACKLAB_DATABASE_URL';
  }
}

/*
 * PostgreSQL's text cannot hold U+0000, which a learner's output can (printf '\0'). It is stored
 * as U+FFFF '0', and U+FFFF itself (a noncharacter, next to never seen) as U+FFFF '1', so every
 * string comes back exactly as it was given.
 */
export const enc = (s: string): string => (s.includes('\u0000') || s.includes('\uffff') ? s.replace(/\uffff/g, '\uffff1').replace(/\u0000/g, '\uffff0') : s);
export const dec = (s: string): string => (s.includes('\uffff') ? s.replace(/\uffff([01])/g, (_m, d: string) => (d === '0' ? '\u0000' : '\uffff')) : s);
export const decOrNull = (s: string | null): string | null => (s === null ? null : dec(s));

/** BIGINT columns (times, byte counts) read as numbers: they stay far below 2^53. */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool for `url` named `name` (PostgreSQL's application_name: who holds a connection, in
 * pg_stat_activity) with the shared timeouts; `what` names it in the log of idle failures.
 */
export function openPgPool(url: string, name: string, what: string, opts: PgPoolOptions & { poolSize: number }): pg.Pool {
  const log = opts.log ?? ((m: string) => console.error(m));
  const statementTimeout = opts.statementTimeoutMs ?? 10_000;
  const connectTimeout = opts.connectTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize,
    statement_timeout: statementTimeout,
    // The server's timeout cannot fire when the server is gone (a partition): the client gives up too.
    query_timeout: statementTimeout + connectTimeout,
    connectionTimeoutMillis: connectTimeout,
    keepAlive: true,
    application_name: name,
    types: pgTypes,
  });
  // An idle connection that the server drops (a restart, a failover) is reported here; unheard, it would end the process.
  pool.on('error', (e) => log(`PostgreSQL (${what}): an idle connection failed (${e.message}); the next query opens another`));
  return pool;
}
