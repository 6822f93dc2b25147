import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The scope whose installed packages stand for the AWS SDK for JavaScript v3 that Lambda's Node.js runtimes (18 and
 * later) ship in /var/runtime/node_modules: every `@aws-sdk/*` package with its dependencies (`@smithy/*`, `tslib`,
 * `bowser`...). Sources (checked 2026-12-07): "Building Lambda functions with Node.js" (Runtime-included SDK versions),
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html; the runtime image's package list,
 * https://advancedweb.hu/getting-started-with-the-aws-js-sdk-v3-included-in-the-node-runtime/.
 */
const SDK_SCOPE = '@aws-sdk';

const dependenciesOf = (packageDir: string): string[] => {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
};

/**
 * The top-level packages of `nodeModules` that make up the runtime's SDK: the `@aws-sdk/*` packages installed there
 * and, transitively, the dependencies they find at the top level (nested copies come with their parent).
 */
export const runtimeSdkPackages = (nodeModules: string): string[] => {
  const scopeDir = path.join(nodeModules, SDK_SCOPE);
  const pending = existsSync(scopeDir) ? readdirSync(scopeDir).map((name) => `${SDK_SCOPE}/${name}`) : [];
  const found = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const dir = path.join(nodeModules, name);
    if (found.has(name) || !existsSync(path.join(dir, 'package.json'))) continue;
    found.add(name);
    pending.push(...dependenciesOf(dir));
  }
  return [...found].sort();
};

/**
 * Builds `<dir>/node_modules` holding links to the runtime SDK's packages of `projectNodeModules`, and nothing else: what a
 * function finds on its NODE_PATH as it finds /var/runtime/node_modules on Lambda. Rebuilt on every call (the project's
 * packages may have changed); returns the folder.
 */
export const buildRuntimeSdkFolder = (dir: string, projectNodeModules: string): string => {
  const nodeModules = path.join(dir, 'node_modules');
  // Removes the links, never what they point to.
  rmSync(nodeModules, { recursive: true, force: true });
  mkdirSync(nodeModules, { recursive: true });
  for (const name of runtimeSdkPackages(projectNodeModules)) {
    const link = path.join(nodeModules, name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(projectNodeModules, name), link, 'dir');
  }
  return nodeModules;
};
