/** Self-describing Keystone tokens (server/http/openstack/tokens.ts): any process with the secret validates them; nobody forges or reads them. */
import { describe, expect, it } from 'vitest';
import {
  tokenContext,
  tokenLearnerOf,
  tokenStore,
  type Revocation,
} from '../../server/http/openstack/tokens.js';

const ref = { key: 'sandbox:empty', fixture: 'empty', lab: null };
const parseWorkspace = (key: string) => (key === ref.key ? ref : null);
const pair = () => {
  const relayed: Revocation[] = [];
  const a = tokenStore({ secret: 's1', parseWorkspace, onRevoke: (r) => relayed.push(r) });
  const b = tokenStore({ secret: 's1', parseWorkspace });
  return { a, b, relayed };
};

describe('self-describing tokens', () => {
  it('look like Fernet tokens and validate in another store with the same secret', () => {
    const { a, b } = pair();
    const { token, issued } = a.issue('learner-1', ref, 1_700_000_000_000);
    expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+$/);
    expect(token.length).toBeGreaterThan(150);
    expect(token.length).toBeLessThan(260);
    expect(b.lookup(token, 1_700_000_000_001)).toEqual(issued);
    expect(tokenContext(b, token, 1_700_000_000_001)).toEqual({
      learner: 'learner-1',
      workspace: ref,
      expiresAt: issued.expiresAt,
    });
    expect(b.recognizes(token)).toBe(true);
    expect(tokenLearnerOf('s1')(token)).toBe('learner-1');
    expect(tokenLearnerOf('s2')(token)).toBeNull();
  });

  it('carry an application credential (roles, access rules) to the other store', () => {
    const { a, b } = pair();
    const ac = {
      id: 'c1',
      name: 'ci',
      unrestricted: false,
      roles: [{ id: 'r1', name: 'member' }],
      accessRules: [{ id: 'x', service: 'network', method: 'GET', path: '/v2.0/networks' }],
    };
    const { token } = a.issue('l', ref, 0, {
      methods: ['application_credential'],
      appCredential: ac,
      notAfter: 500,
    });
    const t = b.lookup(token, 1);
    expect(t?.appCredential).toEqual(ac);
    expect(t?.methods).toEqual(['application_credential']);
    expect(t?.expiresAt).toBe(500);
    expect(tokenContext(b, token, 1)?.accessRules).toEqual(ac.accessRules);
  });

  it('refuse what another secret made, altered bytes, truncations and junk, without throwing', () => {
    const { a } = pair();
    const other = tokenStore({ secret: 's2', parseWorkspace });
    const { token } = other.issue('l', ref, 0);
    expect(a.recognizes(token)).toBe(false);
    expect(a.lookup(token, 1)).toBeNull();
    const mine = a.issue('l', ref, 0).token;
    const raw = Buffer.from(mine, 'base64url');
    for (let i = 0; i < raw.length; i += 1) {
      const x = Buffer.from(raw);
      x[i] = (x[i] as number) ^ 1;
      expect(a.recognizes(x.toString('base64url')), `byte ${i}`).toBe(false);
    }
    for (const junk of [
      '',
      'gAAAAA',
      mine.slice(0, -1),
      mine.slice(0, 40),
      `${mine}A`,
      'x'.repeat(100_000),
      '\u0000',
      '../../etc',
      mine.replace(/.$/, '='),
    ])
      expect(a.lookup(junk, 1)).toBeNull();
    expect(a.lookup(42 as unknown as string, 1)).toBeNull();
  });

  it('do not show their contents: the learner and workspace are nowhere in the bytes', () => {
    const { a } = pair();
    const { token } = a.issue('learner-visible-name', ref, 0);
    const raw = Buffer.from(token, 'base64url').toString('latin1');
    expect(raw).not.toContain('learner-visible-name');
    expect(raw).not.toContain('sandbox');
  });

  it('expire, and a revocation made in one store is refused in the other once relayed', () => {
    const { a, b, relayed } = pair();
    const { token, issued } = a.issue('l', ref, 0);
    expect(b.lookup(token, issued.expiresAt)).toBeNull();
    expect(a.revoke(token, 10)).toBe(true);
    expect(a.revoke(token, 10)).toBe(false);
    expect(a.lookup(token, 11)).toBeNull();
    expect(a.recognizes(token)).toBe(true);
    expect(relayed).toEqual([{ auditId: issued.auditId, until: issued.expiresAt }]);
    expect(b.lookup(token, 11)).not.toBeNull();
    for (const r of relayed) b.applyRevocation(r);
    expect(b.lookup(token, 11)).toBeNull();
  });

  it('a deleted application credential revokes its tokens everywhere once relayed', () => {
    const { a, b, relayed } = pair();
    const ac = { id: 'c9', name: 'n', unrestricted: false, roles: [], accessRules: null };
    const { token } = b.issue('l', ref, 0, {
      appCredential: ac,
      methods: ['application_credential'],
    });
    const plain = b.issue('l', ref, 0).token;
    expect(a.revokeAppCredential('c9')).toBe(0);
    expect(a.lookup(token, 1)).toBeNull();
    for (const r of relayed) b.applyRevocation(r);
    expect(b.lookup(token, 1)).toBeNull();
    expect(b.lookup(plain, 1)).not.toBeNull();
  });

  it('a relayed revocation of any shape is applied or ignored, never thrown on', () => {
    const { b } = pair();
    for (const r of [
      {},
      { auditId: 5 },
      { auditId: 'x'.repeat(1000), until: 'soon' },
      { appCredential: null },
    ])
      expect(() => b.applyRevocation(r as unknown as Revocation)).not.toThrow();
  });

  it('a token for a workspace that is gone (a removed lab) opens nothing, and is still recognized', () => {
    let known = true;
    const s = tokenStore({
      secret: 's',
      parseWorkspace: (k) => (known && k === ref.key ? ref : null),
    });
    const { token } = s.issue('l', ref, 0);
    known = false;
    expect(s.lookup(token, 1)).toBeNull();
    expect(s.recognizes(token)).toBe(true);
  });
});
