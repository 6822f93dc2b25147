import * as readline from 'node:readline/promises';

/**
 * One progress line on stderr: redrawn in place on a terminal, printed at most every few seconds
 * otherwise (CI logs, pipes), so long work always shows that it moves.
 */
export class ProgressLine {
  private lastPrintedAt = 0;
  private lastPrinted: string | undefined;
  private pending: string | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainIntervalMs = 2_000,
  ) {}

  update(text: string): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.pending = text;
      return;
    }
    this.pending = text;
    if (Date.now() - this.lastPrintedAt >= this.plainIntervalMs) this.flush();
  }

  /** Ends the line (and prints the last state if it was not shown). */
  done(): void {
    if (this.stream.isTTY) {
      if (this.pending !== undefined) this.stream.write('\n');
    } else if (this.pending !== undefined) {
      this.flush();
    }
    this.pending = undefined;
  }

  private flush(): void {
    if (this.pending !== undefined && this.pending !== this.lastPrinted) {
      this.stream.write(`${this.pending}\n`);
      this.lastPrinted = this.pending;
      this.lastPrintedAt = Date.now();
    }
    this.pending = undefined;
  }
}

export const bar = (done: number, total: number, width = 24): string => {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total > 0 ? `~${total}` : '?'}`;
};

export const duration = (ms: number): string => {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ${minutes % 60}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
};

/** Asks on the terminal; resolves true only for the exact expected answer. */
export const confirmByTyping = async (question: string, expected: string): Promise<boolean> => {
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(question)).trim() === expected;
  } finally {
    prompt.close();
  }
};

/**
 * Writes to stdout and resolves once the text is handed to the OS: runMain exits the process right after main, and a
 * pipe (`| jq`) takes a large write in pieces, so an unawaited write of more than 64 KB would be cut short.
 */
export const writeStdout = (text: string): Promise<void> =>
  new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
