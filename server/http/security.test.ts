import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  errorHandler,
  frameOptions,
  learnerCookieOptions,
  originAllowed,
  parseCookies,
  requestTarget,
} from './security.js';

describe('parseCookies', () => {
  it('reads name=value pairs, first occurrence winning, quotes removed', () => {
    const c = parseCookies('a=1; stacklab_sid=abc.def; a=2; q="x y"');
    expect(c.get('a')).toBe('1');
    expect(c.get('stacklab_sid')).toBe('abc.def');
    expect(c.get('q')).toBe('x y');
  });
  it('keeps "=" inside values and decodes percent-encoding', () => {
    expect(parseCookies('k=a=b%20c').get('k')).toBe('a=b c');
  });
  it('never throws: bad percent-encoding is kept as sent', () => {
    expect(parseCookies('stacklab_sid=%E0%A4%A').get('stacklab_sid')).toBe('%E0%A4%A');
    expect(parseCookies('x=%').get('x')).toBe('%');
  });
  it('ignores junk and non-strings', () => {
    expect([...parseCookies(';;=v; novalue; =; __proto__=1').keys()]).toEqual(['__proto__']);
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies(['a=1']).size).toBe(0);
  });
});

describe('requestTarget', () => {
  it('parses origin-form targets', () => {
    const u = requestTarget('/ws?workspace=sandbox%3Aempty');
    expect(u?.pathname).toBe('/ws');
    expect(u?.searchParams.get('workspace')).toBe('sandbox:empty');
  });
  it('keeps //host/… a path rather than an authority', () => {
    expect(requestTarget('//evil.example/ws')?.pathname).toBe('//evil.example/ws');
    expect(requestTarget('//[')?.pathname).toBe('//[');
  });
  it('never throws', () => {
    for (const t of [undefined, '', '*', 'http://x/ws', 'ws', '/%', '/\u0000', '/ws?%E0%A4%A'])
      expect(() => requestTarget(t)).not.toThrow();
    expect(requestTarget('http://x/ws')).toBeNull();
    expect(requestTarget(undefined)).toBeNull();
  });
});

describe('originAllowed', () => {
  it('plain http: the Origin is http:// + Host', () => {
    expect(originAllowed('http://localhost:3000', 'localhost:3000', null)).toBe(true);
    expect(originAllowed('http://lab.example.org', 'lab.example.org:80', null)).toBe(true);
    expect(originAllowed('http://lab.example.org', 'LAB.example.org', null)).toBe(true);
    expect(originAllowed('http://[::1]:3000', '[::1]:3000', null)).toBe(true);
  });
  it('the scheme counts', () => {
    expect(originAllowed('https://localhost:3000', 'localhost:3000', null)).toBe(false);
    expect(originAllowed('ws://localhost:3000', 'localhost:3000', null)).toBe(false);
  });
  it('another host, port or a non-canonical Origin does not pass', () => {
    expect(originAllowed('http://evil.example:3000', 'localhost:3000', null)).toBe(false);
    expect(originAllowed('http://localhost:3001', 'localhost:3000', null)).toBe(false);
    expect(originAllowed('http://localhost:3000/', 'localhost:3000', null)).toBe(false);
    expect(originAllowed('http://user@localhost:3000', 'localhost:3000', null)).toBe(false);
  });
  it('never throws on hostile values', () => {
    const bad = [
      'null',
      'foo',
      '',
      'http://localhost:99999',
      'http://[',
      'http://',
      '%',
      'http://a b',
      undefined,
      42,
      ['http://localhost:3000'],
    ];
    for (const origin of bad) {
      expect(() => originAllowed(origin, 'localhost:3000', null)).not.toThrow();
      expect(originAllowed(origin, 'localhost:3000', null)).toBe(false);
    }
    for (const host of [undefined, '', '[', 'a b', 'x@localhost:3000', 'localhost:99999']) {
      expect(() => originAllowed('http://localhost:3000', host, null)).not.toThrow();
      expect(originAllowed('http://localhost:3000', host, null)).toBe(false);
    }
  });
  it('with a public URL, exactly that origin passes, whatever the Host', () => {
    expect(
      originAllowed('https://lab.example.org', 'internal:3000', 'https://lab.example.org'),
    ).toBe(true);
    expect(
      originAllowed('http://lab.example.org', 'lab.example.org', 'https://lab.example.org'),
    ).toBe(false);
    expect(originAllowed('http://internal:3000', 'internal:3000', 'https://lab.example.org')).toBe(
      false,
    );
  });
});

describe('headers and cookie', () => {
  it('the CSP allows only same-origin scripts and connections, and says who may frame', () => {
    const csp = contentSecurityPolicy("'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/frame-ancestors 'self'$/);
  });
  it('X-Frame-Options follows frame-ancestors', () => {
    expect(frameOptions("'self'")).toBe('SAMEORIGIN');
    expect(frameOptions("'none'")).toBe('DENY');
    expect(frameOptions("'self' https://lms.example.org")).toBeNull();
  });
  it('the learner cookie is Secure only when asked', () => {
    expect(learnerCookieOptions(false)).toMatchObject({
      httpOnly: true,
      sameSite: 'lax',
      secure: false,
    });
    expect(learnerCookieOptions(true).secure).toBe(true);
  });
});

describe('errorHandler', () => {
  function call(err: unknown, headersSent = false) {
    const logged: string[] = [];
    const out: { status?: number; body?: unknown; destroyed: boolean } = { destroyed: false };
    const res = {
      headersSent,
      status(s: number) {
        out.status = s;
        return this;
      },
      json(b: unknown) {
        out.body = b;
        return this;
      },
    };
    const req = {
      method: 'GET',
      originalUrl: '/x',
      socket: { destroy: () => (out.destroyed = true) },
    };
    errorHandler((l) => logged.push(l))(
      err,
      req as unknown as Request,
      res as unknown as Response,
      (() => undefined) as NextFunction,
    );
    return { ...out, logged };
  }
  it('client errors keep their status, with the standard phrase only', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), {
      status: 400,
      expose: true,
    });
    expect(call(parse)).toMatchObject({ status: 400, body: { error: 'Bad Request.' }, logged: [] });
    expect(
      call(Object.assign(new Error('request entity too large'), { statusCode: 413 })),
    ).toMatchObject({ status: 413, body: { error: 'Payload Too Large.' } });
  });
  it('anything else is a 500 with an id; the details go to the log under that id', () => {
    const r = call(new Error('secret detail at /srv/stacklab'));
    expect(r.status).toBe(500);
    const body = JSON.stringify(r.body);
    expect(body).not.toContain('secret');
    const id = /id ([0-9a-f]{12})/.exec(body)?.[1] ?? 'none';
    expect(r.logged).toHaveLength(1);
    expect(r.logged[0]).toContain(id);
    expect(r.logged[0]).toContain('secret detail');
    expect(call('a string').status).toBe(500);
    expect(call(Object.assign(new Error('x'), { status: 302 })).status).toBe(500);
  });
  it('after headers went out, the connection is cut', () => {
    const r = call(new Error('late'), true);
    expect(r.destroyed).toBe(true);
    expect(r.status).toBeUndefined();
  });
});
