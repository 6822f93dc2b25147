import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A Powertools JSON log line, as far as the dashboard reads it. */
export interface LogRecord {
  readonly level?: string;
  readonly message?: string;
  readonly timestamp?: string;
  readonly orderId?: string;
  readonly messageId?: string;
  readonly error?: { readonly name?: string; readonly message?: string };
}

/** Bounds the work of one read under heavy logging; the rest is read on the next. */
const MAX_BYTES_PER_READ = 8 * 1024 * 1024;

/**
 * Follows a function's log file from where it ends now (older lines belong to earlier runs on the same data dir)
 * and hands over its new Powertools JSON lines. Environments append to the file themselves, so it is read, never
 * written, and a line still being written waits for its newline.
 */
export class FunctionLogTail {
  private offset: number;
  private partial = '';
  /** A read can end inside a multi-byte character: the decoder keeps its first bytes for the next. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly file: string) {
    this.offset = existsSync(file) ? statSync(file).size : 0;
  }

  /** The JSON lines appended since the last read that `wanted` (a cheap test on the raw line) keeps. */
  readNew(wanted: (line: string) => boolean): LogRecord[] {
    if (!existsSync(this.file)) return [];
    const size = statSync(this.file).size;
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return [];
    const length = Math.min(size - this.offset, MAX_BYTES_PER_READ);
    const buffer = Buffer.alloc(length);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset += length;
    const lines = (this.partial + this.decoder.write(buffer)).split('\n');
    this.partial = lines.pop() ?? '';
    return lines.flatMap((line) => {
      if (!line.startsWith('{') || !wanted(line)) return [];
      try {
        return [JSON.parse(line) as LogRecord];
      } catch {
        return [];
      }
    });
  }
}
