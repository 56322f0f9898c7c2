/**
 * Platforms registered from the class page (the instructors' API), the platforms file beside them,
 * and what a restart keeps with the SQLite store: platforms, launches (with their line item), the
 * tool key, the learner of a platform user.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { sqliteLtiStore } from '../../server/lti/store.js';
import type { PlatformRegistration } from '../../server/lti/types.js';
import { startMockLms, type MockLms } from '../support/mock-lms.js';
import { testConfig } from '../support/server-config.js';

const TOKEN = 'lti-api-instructor';
let lms: MockLms;
let fileLms: MockLms;

beforeAll(async () => {
  lms = await startMockLms({ clientId: 'page-client' });
  fileLms = await startMockLms({ clientId: 'file-client' });
});

afterAll(async () => {
  await lms.close();
  await fileLms.close();
});

function serverIn(dir: string, platformsFile: string): Promise<RunningServer> {
  return startServer(testConfig('lti-api', { STACKLAB_STORE: 'sqlite', STACKLAB_DATA: dir, STACKLAB_LTI_PLATFORMS: platformsFile }));
}

const call = (server: RunningServer, method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

describe('platform registrations on the class page', () => {
  let dir: string;
  let file: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stacklab-lti-api-'));
    file = join(dir, 'platforms.json');
    writeFileSync(file, JSON.stringify([fileLms.registration('From the file')]));
    server = await serverIn(dir, file);
    lms.trustTool(`${server.url}/lti/jwks`);
  });

  afterAll(async () => {
    await server.close();
  });

  it('needs the instructor token', async () => {
    const r = await call(server, 'GET', '/api/instructor/lti/platforms', undefined, null);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { help: string }).help).toMatch(/instructor-token/);
    expect((await call(server, 'POST', '/api/instructor/lti/platforms', lms.registration(), 'wrong')).status).toBe(401);
  });

  it('registers a platform, lists it beside the file\'s with the tool\'s values; then it can launch', async () => {
    const r = await call(server, 'POST', '/api/instructor/lti/platforms', { ...lms.registration('Moodle test'), deploymentIds: `${lms.deploymentId}, extra` });
    expect(r.status).toBe(201);
    const list = (await (await call(server, 'GET', '/api/instructor/lti/platforms')).json()) as {
      platforms: PlatformRegistration[];
      file: string;
      tool: { loginUrl: string; jwksUrl: string };
    };
    expect(list.platforms.map((p) => [p.name, p.source])).toEqual([['From the file', 'file'], ['Moodle test', 'page']]);
    expect(list.platforms[1]?.deploymentIds).toEqual([lms.deploymentId, 'extra']);
    expect(list.file).toBe(file);
    expect(list.tool.loginUrl).toBe(`${server.url}/lti/login`);
    const { response } = await lms.launch(server.url, { sub: 'persist-me', custom: { lab: 'direct-attach' } });
    expect(response.status).toBe(303);
    // Saving again replaces (200), not a second registration.
    expect((await call(server, 'POST', '/api/instructor/lti/platforms', lms.registration('Moodle renamed'))).status).toBe(200);
  });

  it('refuses bad registrations with the reason, and changes to the file\'s platforms', async () => {
    const bad = await call(server, 'POST', '/api/instructor/lti/platforms', { ...lms.registration(), issuer: 'http://lms.example.org' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/issuer must be an https:\/\/ URL \(http:\/\/ only for localhost\)/);
    const notJson = await fetch(`${server.url}/api/instructor/lti/platforms`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const fromFile = await call(server, 'POST', '/api/instructor/lti/platforms', fileLms.registration('Shadow'));
    expect(fromFile.status).toBe(409);
    const del = await call(server, 'DELETE', `/api/instructor/lti/platforms?${new URLSearchParams({ issuer: fileLms.issuer, clientId: fileLms.clientId })}`);
    expect(del.status).toBe(409);
    expect(((await del.json()) as { error: string }).error).toContain(file);
    expect((await call(server, 'DELETE', '/api/instructor/lti/platforms?issuer=x&clientId=y')).status).toBe(404);
  });

  it('a restart keeps the platform, the launch with its line item, the tool key and the learner', async () => {
    const jwksBefore = await (await fetch(`${server.url}/lti/jwks`)).json();
    const { response } = await lms.launch(server.url, { sub: 'persist-me', custom: { lab: 'direct-attach' } });
    const before = response.headers.get('location') ?? '';
    await server.close();
    const peek = sqliteLtiStore(join(dir, 'stacklab.db'));
    const learner = /session=v1\.([\w-]+)\./.exec(before)?.[1] ?? '';
    expect(await peek.launchFor(learner, 'direct-attach')).toMatchObject({
      issuer: lms.issuer, clientId: 'page-client', deploymentId: lms.deploymentId, sub: 'persist-me', name: 'Ada Lovelace',
      lineitem: lms.lineitemUrl('li-persist-me'), scopes: expect.arrayContaining(['https://purl.imsglobal.org/spec/lti-ags/scope/score']) as unknown,
    });
    await peek.close();
    server = await serverIn(dir, file);
    lms.trustTool(`${server.url}/lti/jwks`);
    expect(await (await fetch(`${server.url}/lti/jwks`)).json()).toEqual(jwksBefore);
    const again = await lms.launch(server.url, { sub: 'persist-me', custom: { lab: 'direct-attach' } });
    expect(again.response.status).toBe(303);
    expect(again.response.headers.get('location')).toContain(`session=v1.${learner}.`);
    // The page's registration can be removed; then its launches are refused.
    const del = await call(server, 'DELETE', `/api/instructor/lti/platforms?${new URLSearchParams({ issuer: lms.issuer, clientId: lms.clientId })}`);
    expect(del.status).toBe(200);
    const r = await fetch(lms.loginUrl(server.url, lms.prepare()), { redirect: 'manual' });
    expect(r.status).toBe(400);
  });
});

describe('a bad platforms file', () => {
  it('is logged and ignored: the server starts, and the page can still register platforms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacklab-lti-badfile-'));
    const file = join(dir, 'platforms.json');
    writeFileSync(file, '[{"issuer": "not a url"}, 7');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const server = await serverIn(dir, file);
    try {
      const r = await call(server, 'POST', '/api/instructor/lti/platforms', lms.registration());
      expect(r.status).toBe(201);
      const list = (await (await call(server, 'GET', '/api/instructor/lti/platforms')).json()) as { platforms: unknown[] };
      expect(list.platforms).toHaveLength(1);
      expect(logged.mock.calls.flat().join('\n')).toMatch(/platforms\.json ignored/);
    } finally {
      logged.mockRestore();
      await server.close();
    }
  });
});
