import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** python3 or moto's server is missing here: `reason` is one line saying which and how to get it. */
export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

export class MotoStartError extends Error {
  override readonly name = 'MotoStartError';
}

const INSTALL_HINT = "pip install 'moto[server]' (moto 5.2 with flask)";
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const PORT_ATTEMPTS = 3;

/**
 * Runs what `moto_server` runs (moto.server.main) under python3, with one addition: a thread that ends the
 * server when its stdin reaches EOF, which happens however the Node process ends (kill -9 included), so the
 * emulator cannot outlive the run that started it. The first stdout line names moto's version.
 */
const SERVER_SCRIPT = `
import os, sys, threading
def end_with_parent():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=end_with_parent, daemon=True).start()
import moto
from moto.server import main
print('moto ' + moto.__version__, flush=True)
main(sys.argv[1:])
`;

/** Regions handed out one per rehearsal, so stages (and repeated runs) on one server never share a stack or bucket. */
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'sa-east-1',
];

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** e.g. "5.2.1" */
  readonly version: string;
  /** A region no earlier rehearsal on this server has used. */
  claimRegion(): string;
  /** The last exception moto logged (e.g. "AttributeError: ..."), to explain an HTTP 500; undefined when none. */
  lastError(): Promise<string | undefined>;
  /** Ends the server (stdin closed, then SIGTERM, then SIGKILL to its process group); idempotent. */
  stop(): Promise<void>;
}

/** Every server still running: killed on any exit of this process that did not stop them. */
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
};
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

const MISSING_MODULE = /No module named '([^']+)'/;

/**
 * Why moto's server cannot run here (the same one-line reasons startMotoServer's MotoUnavailableError gives), or
 * undefined when python3 imports it; for callers that must decide before starting anything (a test's visible skip).
 */
export const motoUnavailableReason = (): string | undefined => {
  const probe = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8', timeout: 30_000 });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return `python3 not found on PATH: install Python 3, then ${INSTALL_HINT}`;
  }
  const missing = MISSING_MODULE.exec(probe.stderr ?? '')?.[1];
  return missing ? `python3 has no moto server (no module ${missing}): ${INSTALL_HINT}` : undefined;
};

const startOnce = async (port: number, log: (line: string) => void): Promise<MotoServer> => {
  // Own process group: a terminal's Ctrl-C is for the validate run, which stops the server itself.
  const child = spawn('python3', ['-c', SERVER_SCRIPT, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const stderrTail: string[] = [];
  let lastError: string | undefined;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = chunk.split('\n').filter(Boolean);
    stderrTail.push(...lines);
    stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
    // A traceback ends with "SomeError: message"; werkzeug's request lines start with the client address.
    lastError = lines.filter((line) => /^[A-Za-z_.]*(Error|Exception)\b/.test(line)).at(-1) ?? lastError;
  });
  let version = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    version ||= /^moto (\S+)/m.exec(chunk)?.[1] ?? '';
  });
  // EPIPE when the server died first is expected; the exit handler below reports why.
  child.stdin.on('error', () => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError = error;
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exit = once(child, 'exit');
    child.stdin.end();
    const term = setTimeout(() => killGroup(child, 'SIGTERM'), STOP_GRACE_MS);
    const kill = setTimeout(() => killGroup(child, 'SIGKILL'), 2 * STOP_GRACE_MS);
    await exit;
    clearTimeout(term);
    clearTimeout(kill);
    // The stdin watchdog ends python itself; anything it left in the group goes too.
    killGroup(child, 'SIGKILL');
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      if (spawnError?.code === 'ENOENT') {
        throw new MotoUnavailableError(`python3 not found on PATH: install Python 3, then ${INSTALL_HINT}`);
      }
      if (spawnError) throw new MotoStartError(`python3 could not start: ${spawnError.message}`);
      if (exited) {
        const missing = stderrTail.map((line) => MISSING_MODULE.exec(line)?.[1]).find(Boolean);
        if (missing) throw new MotoUnavailableError(`python3 has no moto server (no module ${missing}): ${INSTALL_HINT}`);
        const inUse = stderrTail.some((line) => /address already in use/i.test(line));
        throw new MotoStartError(
          `${inUse ? 'port taken' : 'moto server exited'} (${exited.signal ?? `exit code ${exited.code}`}): ${stderrTail.slice(-3).join(' | ')}`,
        );
      }
      if (Date.now() > deadline) throw new MotoStartError(`moto server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s`);
      const answered = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (answered && version) break;
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  log(`moto ${version} listening on ${endpoint} (pid ${child.pid})`);

  const regions = [...REGIONS];
  return {
    endpoint,
    version,
    async lastError() {
      // werkzeug logs the traceback after it has sent the 500: give the line time to arrive.
      await sleep(200);
      return lastError;
    },
    claimRegion() {
      const region = regions.shift();
      if (!region) throw new Error(`this moto server has no unused region left (${REGIONS.length} rehearsals): start another`);
      return region;
    },
    stop,
  };
};

/**
 * Starts moto's server on a free port of 127.0.0.1 and waits until it answers. Throws MotoUnavailableError
 * when python3 or moto is missing (the caller skips with its message), MotoStartError when it will not start.
 */
export const startMotoServer = async (log: (line: string) => void = () => undefined): Promise<MotoServer> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort(), log);
    } catch (error) {
      // Another process can take the probed port before moto binds it: try a fresh one.
      const portTaken = error instanceof MotoStartError && error.message.startsWith('port taken');
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
};

/** Where a rehearsal gets its moto server, and what it does with it afterwards. */
export interface MotoServerSource {
  acquire(log: (line: string) => void): Promise<MotoServer>;
  release(server: MotoServer): Promise<void>;
}

/** A server per rehearsal: started by acquire, stopped by release. */
export const motoServerPerRun: MotoServerSource = {
  acquire: (log) => startMotoServer(log),
  release: (server) => server.stop(),
};

export interface SharedMotoServer extends MotoServerSource {
  /** Stops the server if one was started; call it once, in the run's `finally`. */
  stop(): Promise<void>;
}

/**
 * One server for a whole validate run: started by the first rehearsal that needs it (a missing python3 or
 * moto is found once and every stage skips with the same reason), kept across stages, stopped by `stop()`.
 */
export const sharedMotoServer = (): SharedMotoServer => {
  let started: Promise<MotoServer> | undefined;
  return {
    acquire(log) {
      started ??= startMotoServer(log);
      return started;
    },
    release: async () => undefined,
    async stop() {
      if (!started) return;
      const server = await started.catch(() => undefined);
      await server?.stop();
    },
  };
};
