import { Writable } from 'node:stream';

/** Collects everything the server logs, to assert that no secret reaches a log. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.lines.push(chunk.toString('utf8'));
    cb();
  }
  get text(): string {
    return this.lines.join('');
  }
}
