/** A public-cloud session after some command lines, each of which must succeed (a broken setup tests nothing). */
import { createSession, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';

export const publicCloudAfter = (lines: readonly string[]): SessionState => runSetup(createSession({ fixture: 'public-cloud' }), lines);
