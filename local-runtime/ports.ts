import { type AddressInfo, type Server, createServer } from 'node:net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/**
 * Fails at once, before anything is synthesized or started, if a fixed port is taken: the message
 * names the port and the flag that changes it. Port 0 (any free port) is not checked.
 */
export const assertPortsFree = async (
  ports: readonly { readonly port: number; readonly flag: string; readonly what: string }[],
): Promise<void> => {
  for (const { port, flag, what } of ports) {
    if (port !== 0 && !(await isFree(port))) {
      throw new PortInUseError(`Port ${port} (${what}) is taken on 127.0.0.1. Stop what uses it, or pass ${flag} <port>.`);
    }
  }
};

/** Listens on 127.0.0.1:`port` (0: a free one) and resolves with the port; a failure names the flag that changes it. */
export const listenOn = (server: Server, port: number, flag: string): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`Cannot listen on 127.0.0.1:${port} (${error.code}). Stop what uses it or pass ${flag} <port>.`)),
    );
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
