/**
 * Assignment and Grade Services: each new grade of a launched lab is posted to the launch's line
 * item. (Skeleton: the AGS work of issue #18 fills it in.)
 */
import type { Config } from '../http/config.js';
import type { Lab } from '../labs/index.js';
import type { GradedEvent } from '../workspace/index.js';
import type { ToolKey } from './keys.js';
import type { LtiStore } from './types.js';

export interface ScoreReporterDeps {
  config: Config;
  lti: LtiStore;
  key: ToolKey;
  labs: () => readonly Lab[];
  log: (message: string) => void;
  now: () => number;
}

export interface ScoreReporter {
  /** A lab workspace's new grade (Workspaces' onGraded): queued for the learner's launch, if any. */
  graded(e: GradedEvent): void;
  close(): void;
}

export function scoreReporter(_deps: ScoreReporterDeps): ScoreReporter {
  return { graded: () => undefined, close: () => undefined };
}
