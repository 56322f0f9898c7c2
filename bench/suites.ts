/** Benchmarks beyond the core, each a named suite (`npm run bench -- NAME` runs one). */
export interface BenchSuite {
  name: string;
  run(): Promise<void>;
}

export const extraSuites: BenchSuite[] = [];
