/** The LTI store: one contract for memory and SQLite (PostgreSQL: shared-postgres.test.ts), SQLite across a restart and with damaged rows, the platforms file merged in read-only. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLtiStore, openLtiStore, platformsFile, sqliteLtiStore, withPlatformsFile } from '../../server/lti/store.js';
import { parseRegistration } from '../../server/lti/platforms.js';
import Database from 'better-sqlite3';
import { launch, platform, runLtiStoreContract, runSharedLtiStoreContract } from './lti-store-contract.js';
import { StoreError } from '../../server/store/types.js';
import { testConfig } from '../support/server-config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stacklab-lti-store-'));

runLtiStoreContract('memory', memoryLtiStore);
runLtiStoreContract('sqlite', () => sqliteLtiStore(join(tmp(), 'stacklab.db')));
runSharedLtiStoreContract('sqlite', async () => {
  const file = join(tmp(), 'stacklab.db');
  return [sqliteLtiStore(file), sqliteLtiStore(file)];
});

describe('SQLite LTI store', () => {
  it('keeps platforms, launches, states and nonces across a restart', async () => {
    const file = join(tmp(), 'stacklab.db');
    const a = sqliteLtiStore(file);
    await a.savePlatform(platform('https://a.example.org'));
    await a.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/1'));
    await a.putState('s', { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 });
    await a.useNonce('i', 'n', 10_000, 0);
    await a.close();
    const b = sqliteLtiStore(file);
    expect(await b.platforms()).toEqual([platform('https://a.example.org')]);
    expect((await b.launchFor('l1', 'lab-a'))?.lineitem).toBe('https://lms.example.org/li/1');
    expect(await b.useNonce('i', 'n', 10_000, 5)).toBe(false);
    expect((await b.takeState('s', 5))?.nonce).toBe('n');
    await b.close();
  });

  it('a database failure is a StoreError, which the routes answer with a page', async () => {
    const s = sqliteLtiStore(join(tmp(), 'stacklab.db'));
    await s.close();
    await expect(s.platforms()).rejects.toThrow(StoreError);
    await expect(s.useNonce('i', 'n', 1, 0)).rejects.toThrow("the server's database failed");
  });

  it('skips damaged rows with a line in the log, never failing', async () => {
    const file = join(tmp(), 'stacklab.db');
    const logged: string[] = [];
    const s = sqliteLtiStore(file, (m) => logged.push(m));
    await s.savePlatform(platform('https://a.example.org'));
    const db = new Database(file);
    db.exec(`INSERT INTO lti_platforms VALUES ('https://b.example.org', 'c1', '{not json');
      INSERT INTO lti_platforms VALUES ('https://c.example.org', 'c1', '{"issuer":"javascript:alert(1)","clientId":"c1"}');
      INSERT INTO lti_states VALUES ('st', '[1,2]', 99999);
      INSERT INTO lti_launches VALUES ('l1', 'lab-a', '{"learner":"l1","scopes":"all"}', 1);`);
    db.close();
    expect((await s.platforms()).map((p) => p.issuer)).toEqual(['https://a.example.org']);
    expect(await s.platform('https://b.example.org')).toBeNull();
    expect(await s.takeState('st', 1)).toBeNull();
    expect(await s.launchFor('l1', 'lab-a')).toBeNull();
    expect(logged.filter((m) => /^LTI platform row ignored/.test(m)).length).toBeGreaterThanOrEqual(2);
    expect(logged).toContainEqual(expect.stringMatching(/^LTI state row ignored: it is not a valid record \("\[1,2\]"\)/));
    expect(logged).toContainEqual(expect.stringMatching(/^LTI launch row ignored/));
    await s.close();
  });

  it('openLtiStore: SQLite in the data folder unless the store is memory or given', async () => {
    const dir = tmp();
    const config = { ...testConfig('lti-open'), store: 'sqlite' as const, dataDir: dir, ltiPlatformsFile: join(dir, 'none.json') };
    const a = openLtiStore(config, false, () => undefined);
    await a.savePlatform(platform('https://a.example.org'));
    await a.close();
    const b = openLtiStore(config, false, () => undefined);
    expect(await b.platforms()).toHaveLength(1);
    await b.close();
    const m = openLtiStore(config, true, () => undefined);
    expect(await m.platforms()).toHaveLength(0);
  });
});

describe('the platforms file', () => {
  const reg = (issuer: string) => ({ issuer, clientId: 'c1', authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['d1'] });

  it('is merged read-only, wins over a page registration, and is read again when it changes', async () => {
    const file = join(tmp(), 'lti-platforms.json');
    writeFileSync(file, JSON.stringify([reg('https://file.example.org')]));
    const s = withPlatformsFile(memoryLtiStore(), platformsFile(file, () => undefined));
    await s.savePlatform(platform('https://page.example.org'));
    await s.savePlatform({ ...platform('https://file.example.org'), name: 'shadow' });
    expect((await s.platforms()).map((p) => [p.issuer, p.source, p.name])).toEqual([
      ['https://file.example.org', 'file', 'file.example.org'],
      ['https://page.example.org', 'page', 'https://page.example.org'],
    ]);
    expect(await s.deletePlatform('https://file.example.org', 'c1')).toBe(false);
    expect((await s.platform('https://file.example.org'))?.source).toBe('file');
    writeFileSync(file, JSON.stringify([reg('https://file.example.org'), reg('https://other.example.org/lms')]));
    expect((await s.platforms()).map((p) => p.issuer)).toContain('https://other.example.org/lms');
  });

  it('a bad file or entry is logged and left out, never fatal', () => {
    const file = join(tmp(), 'lti-platforms.json');
    const logged: string[] = [];
    const read = platformsFile(file, (m) => logged.push(m));
    expect(read()).toEqual([]);
    writeFileSync(file, '{ not json');
    expect(read()).toEqual([]);
    expect(logged[0]).toMatch(/lti-platforms\.json ignored: .*JSON/);
    writeFileSync(file, JSON.stringify([reg('http://lms.example.org'), reg('https://ok.example.org')]));
    expect(read().map((p) => p.issuer)).toEqual(['https://ok.example.org']);
    expect(logged[1]).toMatch(/entry 1 ignored: issuer must be an https:\/\/ URL/);
    writeFileSync(file, JSON.stringify({ issuer: 'x' }));
    expect(read()).toEqual([]);
    expect(logged[2]).toMatch(/must be a JSON array/);
  });
});

describe('a registration from untrusted input', () => {
  const good = { issuer: 'https://lms.example.org', clientId: 'abc', authUrl: 'https://lms.example.org/auth', tokenUrl: 'https://lms.example.org/token', jwksUrl: 'https://lms.example.org/jwks', deploymentIds: ['1'] };
  const err = (o: unknown) => {
    const r = parseRegistration(o, 'page');
    return 'error' in r ? r.error : null;
  };

  it('accepts https, and http only on loopback; deployments as a list or a string', () => {
    expect(err(good)).toBeNull();
    expect(err({ ...good, issuer: 'http://localhost:8080', authUrl: 'http://127.0.0.1:1/auth' })).toBeNull();
    const r = parseRegistration({ ...good, deploymentIds: '1, 2 2' }, 'page');
    expect('platform' in r && r.platform.deploymentIds).toEqual(['1', '2']);
    expect('platform' in r && r.platform.name).toBe('lms.example.org');
  });

  it('refuses what is not a registration, each with its reason', () => {
    expect(err(null)).toMatch(/an object/);
    expect(err([])).toMatch(/an object/);
    expect(err({ ...good, issuer: 'lms.example.org' })).toMatch(/issuer is not a URL/);
    expect(err({ ...good, jwksUrl: 'http://lms.example.org/jwks' })).toMatch(/jwksUrl must be an https/);
    expect(err({ ...good, tokenUrl: 'https://u:p@lms.example.org/t' })).toMatch(/user name or password/);
    expect(err({ ...good, authUrl: 'javascript:alert(1)' })).toMatch(/authUrl must be an https/);
    expect(err({ ...good, clientId: '' })).toMatch(/clientId is required/);
    expect(err({ ...good, clientId: 'a\u0007b' })).toMatch(/printable/);
    expect(err({ ...good, deploymentIds: [] })).toMatch(/deploymentIds is required/);
    expect(err({ ...good, deploymentIds: Array.from({ length: 21 }, (_, i) => String(i)) })).toMatch(/at most 20/);
    expect(err({ ...good, deploymentIds: [1] })).toMatch(/deployment id is required/);
    expect(err({ ...good, issuer: `https://x.org/${'a'.repeat(600)}` })).toMatch(/longer than 500/);
  });
});
