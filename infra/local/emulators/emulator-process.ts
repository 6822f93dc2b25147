import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import * as path from 'node:path';

export interface EmulatorProcess {
  readonly name: string;
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
}

const waitForExit = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/**
 * Starts an emulator script under the current Node and waits for its "READY <port>" line. Its output
 * goes to `logFile`; a failure to start names the port flag to change.
 */
export const startEmulator = async (options: {
  name: string;
  script: string;
  port: number;
  portFlag: string;
  dataDir?: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<EmulatorProcess> => {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const args = [options.script, String(options.port), ...(options.dataDir ? [options.dataDir] : [])];
  const child = spawn(process.execPath, ['--no-warnings', ...args], {
    cwd: path.dirname(options.script),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log);

  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(`did not start within ${(options.timeoutMs ?? 20_000) / 1000} s`),
      options.timeoutMs ?? 20_000,
    );
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new EmulatorStartError(
          `${options.name} ${reason}. If port ${options.port} is taken, pass ${options.portFlag} <port>. Log: ${options.logFile}`,
        ),
      );
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
      const ready = /READY (\d+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    child.once('exit', (code) => fail(`exited with code ${code} before it was ready`));
  });
  child.removeAllListeners('exit');
  child.stdout?.pipe(log);

  return {
    name: options.name,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await waitForExit(child);
      clearTimeout(killer);
      log.end();
    },
  };
};
