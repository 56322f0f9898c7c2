/**
 * The LTI store's contract (server/lti/types.ts LtiStore), run on memory, SQLite and PostgreSQL,
 * and what two nodes on one database must see of each other.
 */
import { describe, expect, it } from 'vitest';
import type { LaunchRecord, LtiStore, PlatformRegistration } from '../../server/lti/types.js';

export const platform = (issuer: string, clientId = 'c1', source: PlatformRegistration['source'] = 'page'): PlatformRegistration => ({
  issuer, clientId, name: issuer, authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['d1'], source,
});

export const launch = (learner: string, labId: string, lineitem: string | null): LaunchRecord => ({
  learner, issuer: 'https://lms.example.org', clientId: 'c1', deploymentId: 'd1', sub: 's', labId, name: 'Ada', lineitem, scopes: ['x'], at: 5,
});

export function runLtiStoreContract(name: string, make: () => LtiStore | Promise<LtiStore>) {
  describe(`LtiStore contract: ${name}`, () => {
    it('saves, finds, replaces and deletes platforms', async () => {
      const s = await make();
      await s.savePlatform(platform('https://a.example.org'));
      await s.savePlatform(platform('https://a.example.org', 'c2'));
      await s.savePlatform({ ...platform('https://a.example.org'), name: 'renamed' });
      expect(await s.platforms()).toHaveLength(2);
      expect((await s.platform('https://a.example.org', 'c1'))?.name).toBe('renamed');
      expect((await s.platform('https://a.example.org'))?.issuer).toBe('https://a.example.org');
      expect(await s.platform('https://b.example.org')).toBeNull();
      expect(await s.deletePlatform('https://a.example.org', 'c1')).toBe(true);
      expect(await s.deletePlatform('https://a.example.org', 'c1')).toBe(false);
      expect((await s.platforms()).map((p) => p.clientId)).toEqual(['c2']);
      await s.close();
    });

    it('a state is good once and until it expires', async () => {
      const s = await make();
      const st = { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 1000 };
      await s.putState('a', st);
      await s.putState('b', st);
      expect(await s.takeState('a', 999)).toEqual(st);
      expect(await s.takeState('a', 999)).toBeNull();
      expect(await s.takeState('b', 1000)).toBeNull();
      expect(await s.takeState('never', 0)).toBeNull();
      await s.close();
    });

    it('a nonce is refused while remembered, per issuer, and forgotten once expired', async () => {
      const s = await make();
      expect(await s.useNonce('i', 'n', 2000, 1000)).toBe(true);
      expect(await s.useNonce('i', 'n', 2000, 1500)).toBe(false);
      expect(await s.useNonce('j', 'n', 2000, 1500)).toBe(true);
      expect(await s.useNonce('i', 'n', 3000, 2000)).toBe(true);
      await s.close();
    });

    it('keeps the newest launch of a learner into a lab', async () => {
      const s = await make();
      await s.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/1'));
      await s.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/2'));
      await s.saveLaunch(launch('l1', 'lab-b', null));
      expect((await s.launchFor('l1', 'lab-a'))?.lineitem).toBe('https://lms.example.org/li/2');
      expect(await s.launchFor('l1', 'lab-b')).toEqual(launch('l1', 'lab-b', null));
      expect(await s.launchFor('l2', 'lab-a')).toBeNull();
      await s.close();
    });

    it('of many takes of one state at once, one gets it; of many uses of one nonce, one passes', async () => {
      const s = await make();
      const st = { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 };
      await s.putState('once', st);
      const taken = await Promise.all(Array.from({ length: 10 }, () => s.takeState('once', 1)));
      expect(taken.filter((t) => t !== null)).toEqual([st]);
      const used = await Promise.all(Array.from({ length: 10 }, () => s.useNonce('i', 'race', 10_000, 1)));
      expect(used.filter((u) => u)).toHaveLength(1);
      await s.close();
    });

    it('takes any string a platform sends, U+0000 included, and gives it back as it was', async () => {
      const s = await make();
      const st = { nonce: 'n\u0000', issuer: 'i\uffff', clientId: 'c', targetLinkUri: 't\u0000', expires: 10_000 };
      // What a platform posts is looked up as it is: unknown, never a database error.
      expect(await s.takeState('st\u0000ate', 1)).toBeNull();
      expect(await s.platform('https://a.example.org\u0000', 'c\u0000')).toBeNull();
      await s.putState('st\u0000ate\uffff0', st);
      expect(await s.takeState('st\u0000ate\uffff0', 1)).toEqual(st);
      expect(await s.useNonce('i\u0000', 'n\uffff1', 10_000, 1)).toBe(true);
      expect(await s.useNonce('i\u0000', 'n\uffff1', 10_000, 2)).toBe(false);
      expect(await s.useNonce('i\u0000', 'n\u00001', 10_000, 2)).toBe(true);
      const odd = { ...launch('l\u0000', 'lab-a', 'https://lms.example.org/li/\u0000'), sub: 's\u0000\uffff', name: '\uffff0' };
      await s.saveLaunch(odd);
      expect(await s.launchFor('l\u0000', 'lab-a')).toEqual(odd);
      expect(await s.launchFor('l\uffff0', 'lab-a')).toBeNull();
      await s.close();
    });
  });
}

/** Two stores on one database (two nodes): what one writes, the other sees, and "once" holds across them. */
export function runSharedLtiStoreContract(name: string, makePair: () => Promise<[LtiStore, LtiStore]>) {
  describe(`shared LtiStore contract: ${name}`, () => {
    it('a login started on one node completes on the other, once', async () => {
      const [a, b] = await makePair();
      const st = { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 };
      await a.putState('s1', st);
      expect(await b.takeState('s1', 1)).toEqual(st);
      expect(await a.takeState('s1', 1)).toBeNull();
      expect(await b.useNonce('i', 'n', 10_000, 1)).toBe(true);
      expect(await a.useNonce('i', 'n', 10_000, 2)).toBe(false);
      await Promise.all([a.close(), b.close()]);
    });

    it('of two nodes taking one state at once, exactly one gets it (and one nonce use passes)', async () => {
      const [a, b] = await makePair();
      for (let round = 0; round < 20; round++) {
        const st = { nonce: `n${round}`, issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 };
        await a.putState(`race${round}`, st);
        const taken = await Promise.all([a.takeState(`race${round}`, 1), b.takeState(`race${round}`, 1), a.takeState(`race${round}`, 1), b.takeState(`race${round}`, 1)]);
        expect(taken.filter((t) => t !== null)).toHaveLength(1);
        const used = await Promise.all([b.useNonce('i', `n${round}`, 10_000, 1), a.useNonce('i', `n${round}`, 10_000, 1)]);
        expect(used.filter((u) => u)).toHaveLength(1);
      }
      await Promise.all([a.close(), b.close()]);
    });

    it('platforms and launches written on one node are read on the other', async () => {
      const [a, b] = await makePair();
      await a.savePlatform(platform('https://a.example.org'));
      expect(await b.platform('https://a.example.org', 'c1')).toEqual(platform('https://a.example.org'));
      await a.saveLaunch(launch('l1', 'lab-a', 'https://lms.example.org/li/1'));
      expect((await b.launchFor('l1', 'lab-a'))?.lineitem).toBe('https://lms.example.org/li/1');
      expect(await b.deletePlatform('https://a.example.org', 'c1')).toBe(true);
      expect(await a.platforms()).toEqual([]);
      await Promise.all([a.close(), b.close()]);
    });
  });
}

