/**
 * The mock platform's AGS side, which the score tests rely on: its token endpoint checks the tool's
 * client assertion against the tool's JWKS, and its score endpoint records posts, wants the token
 * and the score media type, and fails on request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadToolKey, toolJwks, type ToolKey } from '../../server/lti/keys.js';
import { startMockLms, type MockLms } from '../support/mock-lms.js';

let lms: MockLms;
let key: ToolKey;
let jwksServer: Server;

beforeAll(async () => {
  key = await loadToolKey(null);
  jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(toolJwks(key))));
  await new Promise<void>((ok) => jwksServer.listen(0, '127.0.0.1', ok));
  lms = await startMockLms({ toolJwksUrl: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/` });
});

afterAll(async () => {
  await lms.close();
  await new Promise((ok) => jwksServer.close(ok));
});

const assertion = (claims: { aud?: string; iss?: string } = {}) =>
  new SignJWT({ jti: randomBytes(8).toString('hex') })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(claims.iss ?? lms.clientId)
    .setSubject(lms.clientId)
    .setAudience(claims.aud ?? lms.tokenUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);

async function token(a: string): Promise<Response> {
  return fetch(lms.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: a,
      scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
    }),
  });
}

const score = (accessToken: string, body: unknown, type = 'application/vnd.ims.lis.v1.score+json') =>
  fetch(`${lms.lineitemUrl('li-1')}/scores`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': type, 'user-agent': 'Stacklab-test' },
    body: JSON.stringify(body),
  });

describe('the mock platform\'s token and score endpoints', () => {
  it('gives an access token for a client assertion signed by the tool, and refuses others', async () => {
    const good = await token(await assertion());
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score' });
    expect((await token(await assertion({ aud: 'https://elsewhere.example.org/token' }))).status).toBe(401);
    expect((await token(await assertion({ iss: 'someone' }))).status).toBe(401);
    expect((await token('not.a.jwt')).status).toBe(401);
    lms.failTokens(1);
    expect((await token(await assertion())).status).toBe(503);
    expect(lms.tokenRequests.length).toBeGreaterThanOrEqual(5);
  });

  it('records scores posted with the token and the score media type; fails N times when told', async () => {
    const { access_token: at } = (await (await token(await assertion())).json()) as { access_token: string };
    const body = { userId: 'u1', scoreGiven: 3, scoreMaximum: 10, activityProgress: 'InProgress', gradingProgress: 'FullyGraded', timestamp: new Date().toISOString() };
    expect((await score('wrong', body)).status).toBe(401);
    expect((await score(at, body, 'application/json')).status).toBe(415);
    lms.failScores(2);
    expect((await score(at, body)).status).toBe(503);
    expect((await score(at, body)).status).toBe(503);
    expect((await score(at, body)).status).toBe(200);
    expect(lms.failedScores).toHaveLength(2);
    expect(lms.scores).toHaveLength(1);
    expect(lms.scores[0]).toMatchObject({ lineitem: lms.lineitemUrl('li-1'), body, userAgent: 'Stacklab-test', authorization: `Bearer ${at}` });
  });
});
