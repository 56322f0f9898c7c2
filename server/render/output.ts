/** What a command printed: the shape every printer, CLI, shell and reply shares. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}
