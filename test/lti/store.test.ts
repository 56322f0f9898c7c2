/** The LTI store: one contract for memory and SQLite, SQLite across a restart, the platforms file merged in read-only. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLtiStore, openLtiStore, platformsFile, sqliteLtiStore, withPlatformsFile } from '../../server/lti/store.js';
import { parseRegistration } from '../../server/lti/platforms.js';
import type { LaunchRecord, LtiStore, PlatformRegistration } from '../../server/lti/types.js';
import { StoreError } from '../../server/store/types.js';
import { testConfig } from '../support/server-config.js';

const platform = (issuer: string, clientId = 'c1', source: PlatformRegistration['source'] = 'page'): PlatformRegistration => ({
  issuer, clientId, name: issuer, authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['d1'], source,
});

const launch = (learner: string, labId: string, lineitem: string | null): LaunchRecord => ({
  learner, issuer: 'https://lms.example.org', clientId: 'c1', deploymentId: 'd1', sub: 's', labId, name: 'Ada', lineitem, scopes: ['x'], at: 5,
});

const tmp = () => mkdtempSync(join(tmpdir(), 'stacklab-lti-store-'));

function contract(name: string, make: () => LtiStore) {
  describe(`LtiStore contract: ${name}`, () => {
    it('saves, finds, replaces and deletes platforms', () => {
      const s = make();
      s.savePlatform(platform('https://a.example.org'));
      s.savePlatform(platform('https://a.example.org', 'c2'));
      s.savePlatform({ ...platform('https://a.example.org'), name: 'renamed' });
      expect(s.platforms()).toHaveLength(2);
      expect(s.platform('https://a.example.org', 'c1')?.name).toBe('renamed');
      expect(s.platform('https://a.example.org')?.issuer).toBe('https://a.example.org');
      expect(s.platform('https://b.example.org')).toBeNull();
      expect(s.deletePlatform('https://a.example.org', 'c1')).toBe(true);
      expect(s.deletePlatform('https://a.example.org', 'c1')).toBe(false);
      expect(s.platforms().map((p) => p.clientId)).toEqual(['c2']);
      s.close();
    });

    it('a state is good once and until it expires', () => {
      const s = make();
      const st = { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 1000 };
      s.putState('a', st);
      s.putState('b', st);
      expect(s.takeState('a', 999)).toEqual(st);
      expect(s.takeState('a', 999)).toBeNull();
      expect(s.takeState('b', 1000)).toBeNull();
      expect(s.takeState('never', 0)).toBeNull();
      s.close();
    });

    it('a nonce is refused while remembered, per issuer, and forgotten once expired', () => {
      const s = make();
      expect(s.useNonce('i', 'n', 2000, 1000)).toBe(true);
      expect(s.useNonce('i', 'n', 2000, 1500)).toBe(false);
      expect(s.useNonce('j', 'n', 2000, 1500)).toBe(true);
      expect(s.useNonce('i', 'n', 3000, 2000)).toBe(true);
      s.close();
    });

    it('keeps the newest launch of a learner into a lab', () => {
      const s = make();
      s.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/1'));
      s.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/2'));
      s.saveLaunch(launch('l1', 'lab-b', null));
      expect(s.launchFor('l1', 'lab-a')?.lineitem).toBe('https://lms.example.org/li/2');
      expect(s.launchFor('l1', 'lab-b')).toEqual(launch('l1', 'lab-b', null));
      expect(s.launchFor('l2', 'lab-a')).toBeNull();
      s.close();
    });
  });
}

contract('memory', memoryLtiStore);
contract('sqlite', () => sqliteLtiStore(join(tmp(), 'stacklab.db')));

describe('SQLite LTI store', () => {
  it('keeps platforms, launches, states and nonces across a restart', () => {
    const file = join(tmp(), 'stacklab.db');
    const a = sqliteLtiStore(file);
    a.savePlatform(platform('https://a.example.org'));
    a.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/1'));
    a.putState('s', { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 });
    a.useNonce('i', 'n', 10_000, 0);
    a.close();
    const b = sqliteLtiStore(file);
    expect(b.platforms()).toEqual([platform('https://a.example.org')]);
    expect(b.launchFor('l1', 'lab-a')?.lineitem).toBe('https://lms.example.org/li/1');
    expect(b.useNonce('i', 'n', 10_000, 5)).toBe(false);
    expect(b.takeState('s', 5)?.nonce).toBe('n');
    b.close();
  });

  it('a database failure is a StoreError, which the routes answer with a page', () => {
    const s = sqliteLtiStore(join(tmp(), 'stacklab.db'));
    s.close();
    expect(() => s.platforms()).toThrow(StoreError);
    expect(() => s.useNonce('i', 'n', 1, 0)).toThrow("the server's database failed");
  });

  it('openLtiStore: SQLite in the data folder unless the store is memory or given', () => {
    const dir = tmp();
    const config = { ...testConfig('lti-open'), store: 'sqlite' as const, dataDir: dir, ltiPlatformsFile: join(dir, 'none.json') };
    const a = openLtiStore(config, false, () => undefined);
    a.savePlatform(platform('https://a.example.org'));
    a.close();
    const b = openLtiStore(config, false, () => undefined);
    expect(b.platforms()).toHaveLength(1);
    b.close();
    const m = openLtiStore(config, true, () => undefined);
    expect(m.platforms()).toHaveLength(0);
  });
});

describe('the platforms file', () => {
  const reg = (issuer: string) => ({ issuer, clientId: 'c1', authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['d1'] });

  it('is merged read-only, wins over a page registration, and is read again when it changes', () => {
    const file = join(tmp(), 'lti-platforms.json');
    writeFileSync(file, JSON.stringify([reg('https://file.example.org')]));
    const s = withPlatformsFile(memoryLtiStore(), platformsFile(file, () => undefined));
    s.savePlatform(platform('https://page.example.org'));
    s.savePlatform({ ...platform('https://file.example.org'), name: 'shadow' });
    expect(s.platforms().map((p) => [p.issuer, p.source, p.name])).toEqual([
      ['https://file.example.org', 'file', 'file.example.org'],
      ['https://page.example.org', 'page', 'https://page.example.org'],
    ]);
    expect(s.deletePlatform('https://file.example.org', 'c1')).toBe(false);
    writeFileSync(file, JSON.stringify([reg('https://file.example.org'), reg('https://other.example.org/lms')]));
    expect(s.platforms().map((p) => p.issuer)).toContain('https://other.example.org/lms');
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
