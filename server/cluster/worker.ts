/**
 * A cluster worker: the whole app, without a listening socket. The primary hands it connections
 * (with the bytes it read of the first request) and events from the other workers, and asks it
 * for its own health check (the node's /healthz combines every worker's); what this worker raises
 * (a lab reload, a revoked token) goes to the primary to be relayed.
 */
import { Socket } from 'node:net';
import type { Config } from '../http/config.js';
import type { RunningServer } from '../http/app.js';
import { parseToWorker, sendableHealth, type ClusterEvent, type ToPrimary } from './messages.js';

/** Starts the app in this worker process; resolves once it takes connections (the primary is told). */
export async function runWorker(config: Config, index: number): Promise<RunningServer> {
  const { startServer } = await import('../http/app.js');
  const tell = (m: ToPrimary) => {
    // The primary gone means this process is going too (node:cluster exits on disconnect).
    if (process.connected) process.send?.(m);
  };
  const server = await startServer(config, {
    cluster: { index, relay: (event: ClusterEvent) => tell({ stacklab: 'broadcast', event }) },
  });
  process.on('message', (raw: unknown, handle: unknown) => {
    const m = parseToWorker(raw);
    if (!m) return;
    if (m.stacklab === 'event') {
      server.hear(m.event);
      return;
    }
    if (m.stacklab === 'health') {
      // The process's one check (shared with its own /healthz): a flood of questions is one ping.
      const id = m.id;
      void server.health().then(
        (health) => tell({ stacklab: 'health', id, health: sendableHealth(health) }),
        () =>
          tell({
            stacklab: 'health',
            id,
            health: { ok: false, error: 'the health check failed unexpectedly' },
          }),
      );
      return;
    }
    if (!(handle instanceof Socket)) return;
    // Taken: the primary closes its copy of the socket (it kept it in case this worker died first).
    tell({ stacklab: 'taken', id: m.id });
    try {
      server.accept(handle, Buffer.from(m.head, 'base64'));
    } catch (e) {
      // One connection's failure, never the worker's.
      console.error(`connection not taken: ${e instanceof Error ? e.message : String(e)}`);
      handle.destroy();
    }
  });
  tell({ stacklab: 'ready' });
  return server;
}
