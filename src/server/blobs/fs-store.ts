import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { offsetMismatch, tooManyBytes, type BlobStore } from './store.js';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Blobs as files, DATA_DIR/blobs/<first two characters of the id>/<id>, mode 0600 in 0700 directories. */
export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    return path.join(this.dir, id.slice(0, 2), id);
  }

  async size(id: string): Promise<number> {
    try {
      return (await fsp.stat(this.file(id))).size;
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
  }

  async append(id: string, offset: number, source: Readable, max: number): Promise<number> {
    const file = this.file(id);
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const stored = await this.size(id);
    if (stored !== offset) throw offsetMismatch(offset, stored);
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > max) done(tooManyBytes());
        else done(null, chunk);
      },
    });
    // O_APPEND: every write lands at the end; what was written before a failure stays.
    await pipeline(source, limit, fs.createWriteStream(file, { flags: 'a', mode: 0o600 }));
    return this.size(id);
  }

  read(id: string, start: number, end: number): Readable {
    if (end <= start) return Readable.from([]);
    return fs.createReadStream(this.file(id), { start, end: end - 1 });
  }

  async seal(id: string): Promise<void> {
    const handle = await fsp.open(this.file(id), 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async remove(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => fsp.rm(this.file(id), { force: true })));
  }
}
