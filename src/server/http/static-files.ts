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

/** Content-hashed build output: its address changes with its content, so it may be kept for a year. */
const HASHED = `${path.sep}assets${path.sep}`;

/** Source maps are written by the build for local debugging but never served. */
const isSourceMap = (pathname: string): boolean => pathname.endsWith('.map');

/** A path whose last segment has an extension asks for a file: a missing one is a 404, never the app's page. */
const looksLikeFile = (url: string): boolean => /\.[a-z0-9]+$/i.test(url.split('?')[0] ?? '');

/** Serves the web UI from `root` (the production build unless a test server says otherwise). */
export async function registerStaticFiles(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  const hasWeb = fs.existsSync(path.join(root, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      // file.br / file.gz written by the build (scripts/web-build/precompress.ts), chosen by Accept-Encoding.
      preCompressed: true,
      // Our own Cache-Control below; send's default (max-age=0) would replace it.
      cacheControl: false,
      allowedPath: (pathname) => !isSourceMap(pathname),
      setHeaders: (res, filePath) => {
        res.setHeader('Cache-Control', filePath.includes(HASHED) ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.setHeader('Vary', 'Accept-Encoding');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const isPage = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io') && !looksLikeFile(req.url);
    if (isPage) {
      if (hasWeb) return reply.header('Cache-Control', 'no-cache').header('Vary', 'Accept-Encoding').sendFile('index.html');
      return reply
        .status(503)
        .type('text/plain')
        .send('The web UI is not built yet: run `npm run build` (npm start does it for you).');
    }
    throw notFound('No such route.');
  });
}
