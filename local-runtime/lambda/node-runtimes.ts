import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/** A Node.js binary this machine can run functions on. */
export interface NodeBinary {
  readonly path: string;
  /** "22.23.3" */
  readonly version: string;
}

export const nodeMajor = (version: string): number => Number(version.replace(/^v/, '').split('.')[0]);

const versionOf = (binary: string): string | undefined => {
  try {
    accessSync(binary, constants.X_OK);
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
};

let found: readonly NodeBinary[] | undefined;

/**
 * The Node.js binaries there are: the runtime's own (the Node 22 of `npm ci`), then each `node` on PATH (a system-wide
 * Node 20, say), one per major version, the first found winning. Looked up once per process.
 */
export const availableNodeBinaries = (): readonly NodeBinary[] => {
  if (found) return found;
  const binaries: NodeBinary[] = [{ path: process.execPath, version: process.versions.node }];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'node');
    if (binaries.some((binary) => binary.path === candidate)) continue;
    const version = versionOf(candidate);
    if (version && !binaries.some((binary) => nodeMajor(binary.version) === nodeMajor(version)))
      binaries.push({ path: candidate, version });
  }
  found = binaries;
  return found;
};

/** How a function's `Runtime` runs here: on the Node of its major, on another one (a named difference), or not at all. */
export type RuntimeChoice =
  | { readonly binary: NodeBinary; readonly difference?: string }
  | { readonly refused: string; readonly acceptable: false };

/**
 * The Node binary for a Lambda `Runtime` such as "nodejs20.x": the one of the same major when this machine has it.
 * Otherwise the runtime's own Node, with the difference named (a start stops on it unless differences are accepted).
 * Lambda's Node.js runtimes: https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html (checked 2026-12-07).
 */
export const nodeBinaryFor = (runtime: unknown, binaries: readonly NodeBinary[] = availableNodeBinaries()): RuntimeChoice => {
  const major = typeof runtime === 'string' ? /^nodejs(\d+)\.x$/.exec(runtime)?.[1] : undefined;
  if (major === undefined) {
    return {
      refused: `Runtime ${JSON.stringify(runtime ?? 'none (a container image)')} is not run: the local runtime runs Node.js (nodejsNN.x) functions only`,
      acceptable: false,
    };
  }
  const exact = binaries.find((binary) => nodeMajor(binary.version) === Number(major));
  if (exact) return { binary: exact };
  const [own] = binaries;
  const have = binaries.map((binary) => `Node ${binary.version}`).join(', ');
  return {
    binary: own,
    difference:
      `Runtime ${runtime} runs on Node ${own.version}: this machine has no Node ${major} (it has ${have}). ` +
      `Install Node ${major} and put it on PATH to run it as deployed.`,
  };
};
