import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import { FileBlobStore } from './fs-store.js';
import { PostgresBlobStore } from './pg-store.js';
import type { BlobStore } from './store.js';

/** The blob store the configuration names: chunks in PostgreSQL, or files under FILES_DIR beside SQLite. */
export function blobStoreFor(config: Pick<Config, 'database' | 'files'>, db: Db): BlobStore {
  return config.database.kind === 'postgres' ? new PostgresBlobStore(db) : new FileBlobStore(config.files.dir);
}
