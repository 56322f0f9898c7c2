/** Who may use the instructors' API: the bearer token (STACKLAB_INSTRUCTOR_TOKEN or the generated one). */
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from './config.js';

/** Where an instructor finds the token (the class page shows it when the token is wrong or missing). */
export function tokenHelp(config: Config): string {
  return `The instructor token is printed when the server starts for the first time and kept in ${config.dataDir}/instructor-token on the server (or set by STACKLAB_INSTRUCTOR_TOKEN). Ask whoever runs the server, or read it there with: cat ${config.dataDir}/instructor-token`;
}

/** A guard: true for the instructor; otherwise it answers 401 (with how to find the token) and returns false. */
export function instructorGuard(config: Config): (req: Request, res: Response) => boolean {
  return (req, res) => {
    const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const a = Buffer.from(given);
    const b = Buffer.from(config.instructorToken);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    res.status(401).json({
      error: given === '' ? 'instructor token required (Authorization: Bearer TOKEN)' : 'wrong instructor token',
      help: tokenHelp(config),
    });
    return false;
  };
}
