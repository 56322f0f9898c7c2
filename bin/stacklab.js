#!/usr/bin/env node
// Thin launcher so `npx stacklab …` runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';
register();
await import('../server/main.ts');
