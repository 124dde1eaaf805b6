import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';

/** The built web UI (dist/web), from src/server/http or dist/server/http alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
/** The test build of the web UI (`vite build --mode test`, with the test hooks): served by test servers only. */
export const TEST_WEB_ROOT = fileURLToPath(new URL('../../../dist/web-test/', import.meta.url));

/** Serves the web UI from `root` (the production build unless a test server says otherwise). */
export async function registerStaticFiles(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  const hasWeb = fs.existsSync(path.join(root, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (res, filePath) => {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io')) {
      if (hasWeb) return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
      return reply
        .status(503)
        .type('text/plain')
        .send('The web UI is not built yet: run `npm run build` (npm start does it for you).');
    }
    throw notFound('No such route.');
  });
}
