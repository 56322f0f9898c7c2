/** Deep Linking 2.0 against the mock platform: the picker, the signed answer naming the lab, and forged picks refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { startMockLms, type MockLms } from '../support/mock-lms.js';
import { testConfig } from '../support/server-config.js';

let lms: MockLms;
let server: RunningServer;

beforeAll(async () => {
  lms = await startMockLms();
  const file = join(mkdtempSync(join(tmpdir(), 'stacklab-lti-dl-')), 'lti-platforms.json');
  writeFileSync(file, JSON.stringify([lms.registration()]));
  server = await startServer(testConfig('lti-dl', { STACKLAB_LTI_PLATFORMS: file }));
});

afterAll(async () => {
  await server.close();
  await lms.close();
});

const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))) ?? '';

async function picker(data?: string): Promise<{ html: string; pick: string; labs: string[] }> {
  const { response } = await lms.launch(server.url, { messageType: 'LtiDeepLinkingRequest', ...(data !== undefined ? { data } : {}) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await response.text();
  return { html, pick: field(html, 'pick'), labs: [...html.matchAll(/name="lab" value="([^"]+)"/g)].map((m) => m[1] ?? '') };
}

const choose = (fields: Record<string, string>) =>
  fetch(`${server.url}/lti/deep-link`, { method: 'POST', body: new URLSearchParams(fields) });

describe('Deep Linking', () => {
  it('shows the labs to pick, without any script, in a form posting back to Stacklab', async () => {
    const { html, pick, labs } = await picker();
    expect(labs.length).toBeGreaterThan(3);
    expect(html).toContain('<form method="post" action="/lti/deep-link">');
    expect(html).not.toMatch(/<script/i);
    expect(pick.split('.')).toHaveLength(3);
  });

  it('answers with a JWT signed by the tool\'s key naming the chosen lab, its points and the platform\'s data', async () => {
    const { pick, labs } = await picker('opaque-data-42');
    const lab = labs[1] ?? '';
    const r = await choose({ pick, lab });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain(`action="${lms.url}/deep-link-return"`);
    expect(html).toMatch(/<button type="submit">Return to the course<\/button>/);
    // This page alone may post to the platform (our CSP's form-action is otherwise 'self').
    expect(r.headers.get('content-security-policy')).toContain(`form-action 'self' ${lms.url}`);
    const jwt = field(html, 'JWT');
    const { payload, protectedHeader } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${server.url}/lti/jwks`)), {
      issuer: lms.clientId,
      audience: lms.issuer,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toBe(decodeProtectedHeader(jwt).kid);
    const claim = (n: string) => payload[`https://purl.imsglobal.org/spec/${n}`];
    expect(claim('lti/claim/message_type')).toBe('LtiDeepLinkingResponse');
    expect(claim('lti/claim/version')).toBe('1.3.0');
    expect(claim('lti/claim/deployment_id')).toBe(lms.deploymentId);
    expect(claim('lti-dl/claim/data')).toBe('opaque-data-42');
    expect(typeof payload['nonce']).toBe('string');
    const config = (await (await fetch(`${server.url}/lti/config`)).json()) as { labs: Array<{ id: string; title: string; points: number }> };
    const info = config.labs.find((l) => l.id === lab);
    expect(claim('lti-dl/claim/content_items')).toEqual([
      expect.objectContaining({
        type: 'ltiResourceLink',
        title: info?.title,
        url: `${server.url}/lti/launch`,
        custom: { lab },
        lineItem: { scoreMaximum: info?.points, label: info?.title, resourceId: lab },
      }),
    ]);
    expect(info?.points).toBeGreaterThan(0);
    // The platform's return endpoint takes it.
    const back = await fetch(`${lms.url}/deep-link-return`, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });
    expect(back.status).toBe(200);
    expect(lms.deepLinkReturns).toContain(jwt);
  });

  it('without data from the platform, the answer has no data claim', async () => {
    const { pick, labs } = await picker();
    const html = await (await choose({ pick, lab: labs[0] ?? '' })).text();
    const { payload } = await jwtVerify(field(html, 'JWT'), createRemoteJWKSet(new URL(`${server.url}/lti/jwks`)));
    expect(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBeUndefined();
  });

  it('refuses a forged or missing pick, and an unknown lab, with a page', async () => {
    const { pick } = await picker();
    const [head, body] = pick.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ issuer: lms.issuer, clientId: lms.clientId, deploymentId: 'x', returnUrl: 'https://evil.example.org/' })).toString('base64url');
    const attempts: Array<Record<string, string>> = [{ pick: `${head}.${forgedBody}.${pick.split('.')[2]}`, lab: 'direct-attach' }, { lab: 'direct-attach' }, { pick: 'garbage', lab: 'x' }];
    for (const fields of attempts) {
      const r = await choose(fields);
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/older than half an hour or did not come from the LMS/);
    }
    expect(body).toBeTruthy();
    const r = await choose({ pick, lab: 'no-such-lab' });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/Choose one of the labs/);
  });

  it('refuses a request whose platform accepts no resource links', async () => {
    const { response } = await lms.launch(server.url, {
      messageType: 'LtiDeepLinkingRequest',
      claims: { 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': { deep_link_return_url: `${lms.url}/deep-link-return`, accept_types: ['file'] } },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Stacklab offers labs as LTI resource links/);
  });
});
