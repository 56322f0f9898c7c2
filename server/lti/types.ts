/**
 * LTI 1.3 (Core, Deep Linking 2.0, Assignment and Grade Services 2.0): what the tool keeps about
 * platforms and launches. server/lti/store.ts persists these (SQLite beside the workspaces, or
 * memory), server/lti/postgres.ts in PostgreSQL for every node (STACKLAB_DATABASE_URL);
 * server/lti/launch.ts validates launches, server/lti/scores.ts posts scores.
 */

/** An LMS registered with Stacklab (in the platforms file, or from the class page). */
export interface PlatformRegistration {
  /** The platform's `iss`, e.g. https://moodle.example.org. */
  issuer: string;
  /** The client_id the platform gave Stacklab (the `aud` of its id_tokens). */
  clientId: string;
  /** A label for the class page. */
  name: string;
  /** OIDC authorization endpoint the login redirects to. */
  authUrl: string;
  /** OAuth 2 token endpoint (client credentials with a signed JWT assertion) for AGS. */
  tokenUrl: string;
  /** The platform's JWKS: the keys its id_tokens are signed with. */
  jwksUrl: string;
  /** Deployment ids accepted from this platform (a launch with another is refused). */
  deploymentIds: string[];
  /** `file`: from the platforms file (read-only on the page); `page`: registered by an instructor. */
  source: 'file' | 'page';
}

/** What one launch established: who, where from, for which lab, and where scores go. */
export interface LaunchRecord {
  /** Stacklab's learner id for (issuer, sub): the same on every launch. */
  learner: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  /** The platform's user id (`sub`). */
  sub: string;
  labId: string;
  /** The learner's name from the claims (name, or given + family name), '' when none. */
  name: string;
  /** AGS: the line item URL scores are posted to (`{lineitem}/scores`), null when the launch has none. */
  lineitem: string | null;
  /** AGS scopes the platform granted in this launch. */
  scopes: string[];
  /** When it happened (ms since the epoch). */
  at: number;
}

/** An OIDC login in flight: the state the platform must send back with the id_token. */
export interface LoginState {
  nonce: string;
  issuer: string;
  clientId: string;
  targetLinkUri: string;
  /** ms since the epoch after which the state is refused. */
  expires: number;
}

/**
 * Persistence of LTI: platforms, logins in flight, nonces seen, launches. Asynchronous, as a
 * database shared by several nodes answers over the network. Never fails for a missing row; a
 * database failure rejects with a StoreError (the routes answer "try again in a moment").
 */
export interface LtiStore {
  platforms(): Promise<PlatformRegistration[]>;
  /** The registration of an issuer (and client id, when a platform has several). */
  platform(issuer: string, clientId?: string): Promise<PlatformRegistration | null>;
  savePlatform(p: PlatformRegistration): Promise<void>;
  deletePlatform(issuer: string, clientId: string): Promise<boolean>;
  putState(state: string, s: LoginState): Promise<void>;
  /**
   * The state's record, removed (a state is good once, across every node sharing the store), or
   * null when unknown or expired.
   */
  takeState(state: string, now: number): Promise<LoginState | null>;
  /**
   * Records a nonce until `expires`; false when it was seen already (a replayed id_token), also
   * when another node sharing the store saw it.
   */
  useNonce(issuer: string, nonce: string, expires: number, now: number): Promise<boolean>;
  saveLaunch(r: LaunchRecord): Promise<void>;
  /** The newest launch of a learner into a lab (where their scores go), or null. */
  launchFor(learner: string, labId: string): Promise<LaunchRecord | null>;
  close(): Promise<void>;
}
