import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Attachments } from '../../src/sdk/attachments.js';
import type { HttpClient } from '../../src/sdk/http.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes, type TestDatabase } from './database.js';

/**
 * The attachments API on a signed-in client's own HTTP session; with `fetch`, the same session over another fetch
 * (one that drops connections).
 */
export function attachmentsOf(client: ParleyClient, fetch?: typeof globalThis.fetch): Attachments {
  const http = httpOf(client);
  if (!fetch) return new Attachments(http);
  const twin = Object.assign(Object.create(Object.getPrototypeOf(http) as object) as HttpClient, http, { fetchImpl: fetch });
  return new Attachments(twin);
}

/** A client's HTTP session, for requests the SDK does not make on purpose (raw routes, bad inputs). */
export const httpOf = (client: ParleyClient): HttpClient => (client as unknown as { http: HttpClient }).http;

export const randomFile = (bytes: number): Uint8Array => new Uint8Array(randomBytes(bytes));

/** Every file under a directory, recursively (the SQLite file and its WAL, and the blob store). */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Whether `needle` is anywhere the server keeps data: its data directory (all of it) and the database's rows. */
export async function serverHolds(db: TestDatabase, needle: Uint8Array): Promise<boolean> {
  const n = Buffer.from(needle);
  if (filesUnder(db.dataDir).some((f) => fs.readFileSync(f).includes(n))) return true;
  const rows = await databaseBytes(db);
  // PostgreSQL rows come as text, bytea as hex.
  return rows.includes(n) || rows.includes(Buffer.from(n.toString('hex')));
}
