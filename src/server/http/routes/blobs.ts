import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  AttachBlobsRequest,
  BlobOkResponse,
  BlobParams,
  CreateBlobRequest,
  UPLOAD_OFFSET_HEADER,
  UploadOffset,
  UploadStatus,
} from '../../../protocol/blobs.js';
import { attachBlobs, deleteUpload } from '../../commands/blobs/attach.js';
import { openDownload } from '../../commands/blobs/download.js';
import { appendUpload, createUpload, uploadStatus } from '../../commands/blobs/uploads.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { consumeOrThrow } from '../../security/rate-limits.js';
import { parseByteRange } from '../byte-range.js';
import { requireActor, userRoute } from '../routing.js';
import { parseInput } from '../validate.js';

/** Requests to the file routes per user per minute (a 1 GiB file is 256 requests of 4 MiB). */
export const BLOB_REQUESTS_PER_USER_PER_MINUTE = 1200;

/**
 * Encrypted files (docs/API.md, "Files"): create an upload, append bytes, ask how far it got, attach uploads to a
 * message, download. Bytes stream through; a request body is never buffered whole.
 */
export async function registerBlobRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const limiter = new RateLimiterMemory({ keyPrefix: 'rl:blobs:user', points: BLOB_REQUESTS_PER_USER_PER_MINUTE, duration: 60 });
  const limit = (userId: string) => consumeOrThrow(limiter, userId);

  await app.register((scope, _opts, done) => {
    // Upload bodies reach the handler as the request stream itself (only in this scope; the guards let only
    // PATCH /api/blobs/:id through with this type).
    scope.addContentTypeParser('application/octet-stream', (_req, payload, parsed) => parsed(null, payload));

    userRoute(
      scope,
      deps,
      { method: 'POST', url: '/api/blobs', body: CreateBlobRequest, response: UploadStatus },
      async ({ actor, body, reply }) => {
        await limit(actor.user.id);
        const created = await createUpload(deps, actor, body);
        void reply.status(201);
        return created;
      },
    );

    userRoute(
      scope,
      deps,
      { method: 'GET', url: '/api/blobs/:id/upload', params: BlobParams, response: UploadStatus },
      async ({ actor, params }) => {
        await limit(actor.user.id);
        return uploadStatus(deps, actor, params.id);
      },
    );

    userRoute(
      scope,
      deps,
      { method: 'PATCH', url: '/api/blobs/:id', params: BlobParams, response: UploadStatus },
      async ({ actor, params, req, reply }) => {
        await limit(actor.user.id);
        const offset = parseInput(UploadOffset, req.headers[UPLOAD_OFFSET_HEADER], 'Upload-Offset header');
        const body = uploadBody(req);
        const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
        const result = await appendUpload(deps, actor, params.id, offset, body, length).catch((err: unknown) => {
          // A connection dropped mid-body is the case resuming is for, not a server error: what arrived is kept.
          if (err instanceof AppError || !(req.raw.readableAborted || req.raw.destroyed)) throw err;
          throw new AppError('VALIDATION_FAILED', 'The upload was cut off: ask for its status and resume from there.');
        });
        void reply.header('Upload-Offset', String(result.offset));
        return result;
      },
    );

    userRoute(
      scope,
      deps,
      { method: 'POST', url: '/api/blobs/attach', body: AttachBlobsRequest, response: BlobOkResponse },
      async ({ actor, body }) => {
        await limit(actor.user.id);
        await attachBlobs(deps, actor, body);
        return { ok: true as const };
      },
    );

    userRoute(
      scope,
      deps,
      { method: 'DELETE', url: '/api/blobs/:id', params: BlobParams, response: BlobOkResponse },
      async ({ actor, params }) => {
        await limit(actor.user.id);
        await deleteUpload(deps, actor, params.id);
        return { ok: true as const };
      },
    );

    // The download is not JSON: ciphertext as application/octet-stream, never sniffed or rendered.
    scope.get('/api/blobs/:id', async (req, reply) => {
      const actor = await requireActor(deps, req);
      await limit(actor.user.id);
      const { id } = parseInput(BlobParams, req.params, 'path parameters');
      const download = await openDownload(deps, actor, id);
      const range = parseByteRange(req.headers.range, download.size);
      void reply
        .header('Accept-Ranges', 'bytes')
        .header('Cache-Control', 'private, no-store')
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Disposition', 'attachment');
      if (!range) {
        const error = new AppError('VALIDATION_FAILED', 'The requested byte range is not satisfiable.');
        return reply.status(416).header('Content-Range', `bytes */${download.size}`).type('application/json').send(error.toBody());
      }
      void reply
        .status(range.partial ? 206 : 200)
        .type('application/octet-stream')
        .header('Content-Length', String(range.end - range.start));
      if (range.partial) void reply.header('Content-Range', `bytes ${range.start}-${range.end - 1}/${download.size}`);
      return reply.send(download.open(range.start, range.end));
    });
    done();
  });
}

/** The request body as a stream: an upload with no body is an empty append. */
function uploadBody(req: FastifyRequest): IncomingMessage {
  const body = req.body;
  if (body && typeof body === 'object' && 'pipe' in body) return body as IncomingMessage;
  if (body === undefined || body === null) return req.raw;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'File bytes must be sent as application/octet-stream.');
}
