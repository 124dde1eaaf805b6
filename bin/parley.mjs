#!/usr/bin/env node
// The terminal client, runnable from a clone without a build: TypeScript is loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
