/** The client build a browser suite on this port serves (one per port, so suites can run side by side). */
export function clientBuild(port = Number(process.env['E2E_PORT'] ?? 3333)): string {
  return `dist/client-e2e-${port}`;
}
