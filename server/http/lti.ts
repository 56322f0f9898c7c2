/** LTI 1.3's HTTP endpoints (/lti/login, /lti/launch, /lti/jwks, Deep Linking). Skeleton: issue #18's LTI work fills it in. */
import type { Express } from 'express';
import type { RouteDeps } from './routes.js';

export function ltiRoutes(_app: Express, _deps: RouteDeps): void {
  // Filled in by the LTI work.
}
