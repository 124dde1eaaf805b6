#!/usr/bin/env node
// The operator's tool, runnable from a clone without a build: TypeScript is loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/server/admin/main.ts');
