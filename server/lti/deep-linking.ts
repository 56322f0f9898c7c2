/**
 * Deep Linking 2.0: an instructor picks a lab in the LMS's activity chooser. The validated request
 * is carried to the picker's form as a short-lived signed field (the pick), so the choice can only
 * answer a request the platform really made; the answer is a JWT signed with the tool's key that
 * the platform turns into a resource link (custom `lab=ID`, a line item of the lab's points).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Lab } from '../labs/types.js';
import { TOOL_ALG, type ToolKey } from './keys.js';
import { CLAIM, refusal, type Refusal, type ValidLaunch } from './launch.js';
import { labPoints } from './pages.js';

/** What the picker's form carries from the validated request to the answer. */
export interface PickRequest {
  issuer: string;
  clientId: string;
  deploymentId: string;
  returnUrl: string;
  /** The platform's opaque `data`, echoed back unchanged (absent when it sent none). */
  data?: string;
}

/** How long an instructor may take to pick a lab. */
const PICK_TTL_S = 30 * 60;
const PICK_AUDIENCE = 'stacklab:lti-deep-link-pick';

const pickKey = (secret: string) => createHmac('sha256', secret).update('stacklab lti deep linking pick v1').digest();

/** The request of a validated deep linking launch, or why it cannot be answered. */
export function pickRequestOf(l: ValidLaunch): PickRequest | Refusal {
  const s = l.claims[CLAIM.deepLinkingSettings];
  const settings = typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
  const returnUrl = settings['deep_link_return_url'];
  let ok = false;
  try {
    ok = typeof returnUrl === 'string' && ['https:', 'http:'].includes(new URL(returnUrl).protocol);
  } catch {
    ok = false;
  }
  if (!ok || typeof returnUrl !== 'string')
    return refusal(400, 'Deep linking without a return URL', 'The platform\'s deep linking request has no valid deep_link_return_url to send the chosen lab to.');
  const accept = settings['accept_types'];
  if (Array.isArray(accept) && !accept.includes('ltiResourceLink'))
    return refusal(400, 'Nothing Stacklab can offer', `The platform asked for ${accept.map(String).join(', ')}; Stacklab offers labs as LTI resource links (ltiResourceLink).`);
  const data = settings['data'];
  return {
    issuer: l.platform.issuer,
    clientId: l.platform.clientId,
    deploymentId: l.deploymentId,
    returnUrl,
    ...(typeof data === 'string' ? { data } : {}),
  };
}

/** The pick form's signed field (HS256 under a key derived from the server secret). */
export function signPick(secret: string, r: PickRequest, now: number): Promise<string> {
  return new SignJWT({ ...r })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(PICK_AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + PICK_TTL_S)
    .sign(pickKey(secret));
}

/** The request a pick field carries, or null (forged, expired, malformed). Never throws. */
export async function readPick(secret: string, token: unknown, now: number): Promise<PickRequest | null> {
  if (typeof token !== 'string' || token.length > 8000) return null;
  try {
    const { payload } = await jwtVerify(token, pickKey(secret), {
      algorithms: ['HS256'],
      audience: PICK_AUDIENCE,
      currentDate: new Date(now),
    });
    const p = payload as Record<string, unknown>;
    const f = (k: string) => (typeof p[k] === 'string' ? p[k] : null);
    const [issuer, clientId, deploymentId, returnUrl] = [f('issuer'), f('clientId'), f('deploymentId'), f('returnUrl')];
    if (!issuer || !clientId || !deploymentId || !returnUrl) return null;
    const data = f('data');
    return { issuer, clientId, deploymentId, returnUrl, ...(data !== null ? { data } : {}) };
  } catch {
    return null;
  }
}

/** The LtiDeepLinkingResponse naming one lab, signed with the tool's key. */
export function deepLinkingResponse(key: ToolKey, r: PickRequest, lab: Lab, origin: string, now: number): Promise<string> {
  const item = {
    type: 'ltiResourceLink',
    title: lab.title,
    text: lab.summary,
    url: `${origin}/lti/launch`,
    custom: { lab: lab.id },
    lineItem: { scoreMaximum: labPoints(lab), label: lab.title, resourceId: lab.id },
  };
  const iat = Math.floor(now / 1000);
  return new SignJWT({
    nonce: randomBytes(16).toString('base64url'),
    [CLAIM.deploymentId]: r.deploymentId,
    [CLAIM.messageType]: 'LtiDeepLinkingResponse',
    [CLAIM.version]: '1.3.0',
    [CLAIM.contentItems]: [item],
    ...(r.data !== undefined ? { [CLAIM.deepLinkingData]: r.data } : {}),
  })
    .setProtectedHeader({ alg: TOOL_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(r.clientId)
    .setAudience(r.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(key.privateKey);
}
