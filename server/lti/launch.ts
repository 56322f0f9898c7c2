/**
 * LTI 1.3 launches, checked: the OIDC login initiation (which platform, a state and a nonce) and
 * the id_token the platform posts back (signature against the platform's JWKS, issuer, audience,
 * expiry, nonce, deployment, message type, version). Every refusal is a value that says, in words
 * an instructor can act on, what was wrong; nothing here throws on what a platform sends.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { LoginState, LtiStore, PlatformRegistration } from './types.js';

/** The claim names of LTI 1.3 Core, Deep Linking 2.0 and AGS 2.0 this tool reads or writes. */
export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  deepLinkingData: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
} as const;

/** How long a login may take between the redirect to the platform and its post back. */
export const STATE_TTL_MS = 10 * 60_000;
/** Clocks of the LMS and of Stacklab may differ by this much. */
export const CLOCK_TOLERANCE_S = 60;

/** Why a login or launch was refused: an HTTP status and a page's title and text. */
export interface Refusal {
  refused: true;
  status: 400 | 401 | 403 | 404 | 502 | 503;
  title: string;
  message: string;
}

export function refusal(status: Refusal['status'], title: string, message: string): Refusal {
  return { refused: true, status, title, message };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v.length <= 2000 ? v : null);

/**
 * The login initiation's parameters (query or form): which registration, then a state (random, good
 * once, for ten minutes) and its nonce stored, and the URL of the platform's auth endpoint to
 * redirect to.
 */
export async function startLogin(
  params: Record<string, unknown>,
  lti: LtiStore,
  origin: string,
  now: number,
): Promise<{ redirect: string } | Refusal> {
  const iss = str(params['iss']);
  const loginHint = str(params['login_hint']);
  const target = str(params['target_link_uri']);
  if (!iss || !loginHint || !target)
    return refusal(400, 'Incomplete login request',
      'The platform did not send iss, login_hint and target_link_uri. Check that the tool\'s "Initiate login URL" is this server\'s /lti/login and that the course link was made by the platform, not copied.');
  const clientId = str(params['client_id']) ?? undefined;
  const candidates = (await lti.platforms()).filter((p) => p.issuer === iss && (clientId === undefined || p.clientId === clientId));
  const platform = candidates[0];
  if (!platform)
    return refusal(400, 'Unknown platform',
      `No platform with issuer ${iss}${clientId ? ` and client ID ${clientId}` : ''} is registered with this Stacklab. An instructor registers it on the class page (LTI platforms) or in the platforms file, with the issuer and client ID the LMS shows for this tool.`);
  if (candidates.length > 1)
    return refusal(400, 'Which registration?',
      `Several registrations of ${iss} exist and the platform did not say which client ID this launch is for. Remove the extra registration on the class page.`);
  const deployment = str(params['lti_deployment_id']);
  if (deployment !== null && !platform.deploymentIds.includes(deployment)) return unknownDeployment(platform, deployment);
  const state = randomBytes(24).toString('base64url');
  const nonce = randomBytes(24).toString('base64url');
  await lti.putState(state, { nonce, issuer: platform.issuer, clientId: platform.clientId, targetLinkUri: target, expires: now + STATE_TTL_MS });
  const auth = new URL(platform.authUrl);
  const q: Record<string, string> = {
    response_type: 'id_token',
    response_mode: 'form_post',
    scope: 'openid',
    prompt: 'none',
    client_id: platform.clientId,
    redirect_uri: `${origin}/lti/launch`,
    login_hint: loginHint,
    state,
    nonce,
  };
  const hint = str(params['lti_message_hint']);
  if (hint !== null) q['lti_message_hint'] = hint;
  for (const [k, v] of Object.entries(q)) auth.searchParams.set(k, v);
  return { redirect: auth.href };
}

function unknownDeployment(p: PlatformRegistration, deployment: string): Refusal {
  return refusal(403, 'Unknown deployment',
    `The platform ${p.name} launched from deployment "${deployment}", which is not registered (registered: ${p.deploymentIds.join(', ')}). Add this deployment id to the platform's registration on the class page.`);
}

/** A validated launch: the registration it came from, its claims, and the login it answers. */
export interface ValidLaunch {
  platform: PlatformRegistration;
  claims: JWTPayload & Record<string, unknown>;
  deploymentId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  login: LoginState;
}

/** The platforms' JWKS, fetched and cached by jose (one per URL; refetched for an unknown key id). */
export function jwksCache(): (url: string) => JWTVerifyGetKey {
  const sets = new Map<string, JWTVerifyGetKey>();
  return (url) => {
    let set = sets.get(url);
    if (!set) {
      if (sets.size >= 100) sets.clear();
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000 });
      sets.set(url, set);
    }
    return set;
  };
}

/** What jose's refusal of a token means for the instructor. */
function tokenRefusal(e: unknown, p: PlatformRegistration): Refusal {
  if (e instanceof errors.JWTExpired)
    return refusal(401, 'Launch expired', 'The platform\'s launch token has expired. Open the activity again; if it keeps happening, the LMS server\'s clock is wrong.');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud')
      return refusal(401, 'Launch for another tool', `The launch token is not addressed to this tool's client ID (${p.clientId}). Check the client ID registered for ${p.name}.`);
    if (e.claim === 'iss')
      return refusal(401, 'Launch from another issuer', `The launch token's issuer is not ${p.issuer}. Check the issuer registered for ${p.name}.`);
    if (e.claim === 'iat' || e.claim === 'nbf')
      return refusal(401, 'Launch from the future', 'The launch token is not valid yet. The LMS server\'s clock is ahead of this server\'s.');
    return refusal(401, 'Launch refused', `The launch token's ${e.claim} claim is not acceptable: ${e.reason}.`);
  }
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return refusal(401, 'Launch signature wrong', `The launch token's signature does not match the key ${p.name} publishes at ${p.jwksUrl}. Check the public keyset URL registered for this platform.`);
  if (e instanceof errors.JWKSNoMatchingKey)
    return refusal(401, 'Launch signed with an unknown key', `The launch token was signed with a key that ${p.jwksUrl} does not list. Check the public keyset URL registered for ${p.name}.`);
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid)
    return refusal(401, 'Launch token malformed', `The platform did not send a valid RS256-signed LTI 1.3 launch token (${e.message}).`);
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || e instanceof TypeError || e instanceof errors.JOSEError)
    return refusal(502, 'Platform keys unavailable', `Stacklab could not read ${p.name}'s public keys from ${p.jwksUrl}. Check that URL and that this server can reach it.`);
  return refusal(502, 'Platform keys unavailable', `Stacklab could not check the launch token against ${p.jwksUrl}.`);
}

/**
 * The launch's form fields (id_token, state) checked in order: the state (taken: good once), the
 * token's signature and claims, its nonce (the state's, never seen before), deployment, version
 * and message type.
 */
export async function verifyLaunch(
  body: Record<string, unknown>,
  deps: { lti: LtiStore; now: number; keys: (url: string) => JWTVerifyGetKey },
): Promise<ValidLaunch | Refusal> {
  const platformError = str(body['error']);
  if (platformError !== null)
    return refusal(401, 'The platform refused the login',
      `The LMS answered "${platformError}"${str(body['error_description']) ? `: ${str(body['error_description'])}` : ''}. Log in to the LMS again and open the activity from the course.`);
  // An id_token is longer than other fields (the body parser's limit bounds it).
  const idToken = typeof body['id_token'] === 'string' && body['id_token'] !== '' ? body['id_token'] : null;
  const stateId = str(body['state']);
  if (!idToken || !stateId)
    return refusal(400, 'Incomplete launch', 'The platform did not post an id_token and a state. Register this server\'s /lti/launch as the tool\'s redirection URI.');
  const login = await deps.lti.takeState(stateId, deps.now);
  if (!login)
    return refusal(400, 'Launch link expired or used',
      'This launch was already used, took longer than ten minutes, or did not start at this server\'s /lti/login. Open the activity again from the course page.');
  const platform = await deps.lti.platform(login.issuer, login.clientId);
  if (!platform) return refusal(400, 'Unknown platform', `The platform ${login.issuer} was removed while this launch was in progress.`);
  let claims: JWTPayload & Record<string, unknown>;
  try {
    const r = await jwtVerify(idToken, deps.keys(platform.jwksUrl), {
      issuer: platform.issuer,
      audience: platform.clientId,
      algorithms: ['RS256'],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(deps.now),
      requiredClaims: ['exp', 'iat', 'nonce'],
    });
    claims = r.payload as JWTPayload & Record<string, unknown>;
  } catch (e) {
    return tokenRefusal(e, platform);
  }
  return checkClaims(claims, platform, login, deps);
}

async function checkClaims(
  claims: JWTPayload & Record<string, unknown>,
  platform: PlatformRegistration,
  login: LoginState,
  deps: { lti: LtiStore; now: number },
): Promise<ValidLaunch | Refusal> {
  // Several audiences: the token must say which party it was issued for (OIDC Core's azp).
  const several = Array.isArray(claims.aud) && claims.aud.length > 1;
  if ((several || claims['azp'] !== undefined) && claims['azp'] !== platform.clientId)
    return refusal(401, 'Launch for another tool', `The launch token's authorized party (azp) is not this tool's client ID (${platform.clientId}).`);
  if (claims['nonce'] !== login.nonce)
    return refusal(401, 'Launch does not match its login', 'The launch token was issued for another login (its nonce differs). Open the activity again from the course page.');
  const expires = typeof claims.exp === 'number' ? claims.exp * 1000 + CLOCK_TOLERANCE_S * 1000 : deps.now + STATE_TTL_MS;
  if (!(await deps.lti.useNonce(platform.issuer, login.nonce, Math.max(expires, deps.now + STATE_TTL_MS), deps.now)))
    return refusal(401, 'Launch replayed', 'This launch token was used already. Open the activity again from the course page.');
  const deploymentId = str(claims[CLAIM.deploymentId]);
  if (deploymentId === null)
    return refusal(400, 'Launch without deployment', 'The launch token has no deployment_id claim.');
  if (!platform.deploymentIds.includes(deploymentId)) return unknownDeployment(platform, deploymentId);
  if (claims[CLAIM.version] !== '1.3.0')
    return refusal(400, 'Not an LTI 1.3 launch', `The launch says LTI version ${JSON.stringify(claims[CLAIM.version] ?? null)}; Stacklab is an LTI 1.3.0 tool.`);
  const messageType = claims[CLAIM.messageType];
  if (messageType !== 'LtiResourceLinkRequest' && messageType !== 'LtiDeepLinkingRequest')
    return refusal(400, 'Unsupported launch', `The platform sent a ${JSON.stringify(messageType ?? null)} message; Stacklab answers resource link launches and deep linking requests.`);
  return { platform, claims, deploymentId, messageType, login };
}

const LAB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The lab a resource link launch opens: the custom parameter `lab`, else `?lab=` in its target link URI. */
export function labOfLaunch(l: ValidLaunch): string | null {
  const custom = l.claims[CLAIM.custom];
  const fromCustom = typeof custom === 'object' && custom !== null ? (custom as Record<string, unknown>)['lab'] : undefined;
  if (typeof fromCustom === 'string' && LAB_ID.test(fromCustom.trim())) return fromCustom.trim();
  for (const uri of [l.claims[CLAIM.targetLinkUri], l.login.targetLinkUri]) {
    if (typeof uri !== 'string') continue;
    try {
      const lab = new URL(uri).searchParams.get('lab');
      if (lab !== null && LAB_ID.test(lab)) return lab;
    } catch {
      // Not a URL: no lab from it.
    }
  }
  return null;
}

/** Stacklab's learner id of a platform user: the same for every launch of (issuer, sub), opaque, URL-safe. */
export function learnerIdFor(secret: string, issuer: string, sub: string): string {
  const mac = createHmac('sha256', `stacklab-lti-learner\u0000${secret}`).update(`${issuer}\u0000${sub}`).digest('base64url');
  return `lti-${mac.slice(0, 22)}`;
}

/** The learner's name from the claims (name, else given + family name), as PUT /api/me accepts names: '' when none fits. */
export function nameOfLaunch(claims: Record<string, unknown>): string {
  const given = typeof claims['given_name'] === 'string' ? claims['given_name'] : '';
  const family = typeof claims['family_name'] === 'string' ? claims['family_name'] : '';
  const raw = typeof claims['name'] === 'string' && claims['name'].trim() !== '' ? claims['name'] : `${given} ${family}`;
  // Printable only (no C0, DEL or C1: they would reach instructors' terminals), at most 40 characters.
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  while (chars.join('').length > 40) chars.pop();
  return chars.join('').trim();
}

/** AGS of a launch: the line item scores go to, and the scopes granted. */
export function agsOfLaunch(claims: Record<string, unknown>): { lineitem: string | null; scopes: string[] } {
  const ags = claims[CLAIM.ags];
  if (typeof ags !== 'object' || ags === null) return { lineitem: null, scopes: [] };
  const a = ags as Record<string, unknown>;
  const lineitem = typeof a['lineitem'] === 'string' && /^https?:\/\//.test(a['lineitem']) ? a['lineitem'] : null;
  const scopes = Array.isArray(a['scope']) ? a['scope'].filter((s): s is string => typeof s === 'string').slice(0, 20) : [];
  return { lineitem, scopes };
}
