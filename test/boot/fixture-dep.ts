/** Imported as './fixture-dep.js': the loader finds the .ts file. */
export interface Shape {
  kind: string;
}
export const made = (kind: string): Shape => ({ kind });
