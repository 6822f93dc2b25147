import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CfnTemplate, StageAssembly } from './cloud-assembly';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './intrinsics';

/** A CDK app given as the CDK CLI's `--app` takes it: a command that synthesizes, or a cloud assembly directory. */
export interface CdkAppSource {
  /**
   * A command (`npx ts-node --transpile-only bin/app.ts`), a folder holding a `cdk.json` (its `app` command runs there),
   * or a cloud assembly directory (a `cdk.out` holding `manifest.json`), read as it is.
   */
  readonly app: string;
  /** The stack to run when the app has several: its stack name or its path (`Stage/Stack`), as `cdk deploy` takes it. */
  readonly stack?: string;
  /** The folder a command runs in and whose `cdk.json` context it gets; the current folder when absent. */
  readonly appDir?: string;
}

export class CdkAppError extends Error {
  override readonly name = 'CdkAppError';
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly directoryName?: string };
}

interface StackArtifact {
  readonly stackName: string;
  readonly displayName: string;
  readonly templateFile: string;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const isCloudAssembly = (dir: string): boolean => existsSync(path.join(dir, 'manifest.json'));

/** Every stack of an assembly, those of nested stages (`cdk:cloud-assembly` artifacts) included, as `cdk ls` lists them. */
const stackArtifacts = (assemblyDir: string): StackArtifact[] => {
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(path.join(assemblyDir, 'manifest.json'));
  const stacks: StackArtifact[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      stacks.push({
        stackName: artifact.properties.stackName ?? id,
        displayName: artifact.displayName ?? id,
        templateFile: path.join(assemblyDir, artifact.properties.templateFile),
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...stackArtifacts(path.join(assemblyDir, artifact.properties.directoryName)));
    }
  }
  return stacks;
};

const listed = (stacks: readonly StackArtifact[]) =>
  stacks.map((stack) => (stack.displayName === stack.stackName ? stack.stackName : `${stack.stackName} (${stack.displayName})`)).join(', ');

/** The one stack to run: the only one, or the one `stack` names. */
const pickStack = (stacks: readonly StackArtifact[], wanted: string | undefined, origin: string): StackArtifact => {
  if (stacks.length === 0)
    throw new CdkAppError(`${origin} has no stacks: check that the app adds a Stack to its App and calls nothing else.`);
  if (wanted === undefined) {
    if (stacks.length === 1) return stacks[0];
    throw new CdkAppError(`${origin} has ${stacks.length} stacks: ${listed(stacks)}. Pick the one to run with --stack <name>.`);
  }
  const found = stacks.find((stack) => stack.stackName === wanted || stack.displayName === wanted);
  if (!found) throw new CdkAppError(`${origin} has no stack "${wanted}"; its stacks: ${listed(stacks)}. Pass one of them to --stack.`);
  return found;
};

/** Reads one stack of a cloud assembly (`cdk synth`'s output, or an app's CDK_OUTDIR) and its built assets. */
export const readCloudAssembly = (assemblyDir: string, stack?: string): StageAssembly => {
  const picked = pickStack(stackArtifacts(assemblyDir), stack, `The cloud assembly ${assemblyDir}`);
  const template = readJson<CfnTemplate>(picked.templateFile);
  // Assets of every stage are staged in the top-level assembly (CDK's Stage.assetOutdir).
  return {
    stackName: picked.stackName,
    template: { ...template, Resources: template.Resources ?? {} },
    builds: {},
    assetDir(code) {
      if (!code.S3Key) {
        throw new CdkAppError(`an asset without an S3Key (${JSON.stringify(code)}) cannot run locally: use Code.fromAsset for functions.`);
      }
      return path.join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    },
  };
};

/** The context the CDK CLI gives an app from its folder: `cdk.json`'s, then `cdk.context.json`'s (lookups), as the CLI merges them. */
export const cdkContextOf = (appDir: string): Record<string, unknown> => {
  const contextIn = (file: string): Record<string, unknown> => {
    if (!existsSync(file)) return {};
    const json = readJson<{ context?: Record<string, unknown> } & Record<string, unknown>>(file);
    return path.basename(file) === 'cdk.json' ? { ...json.context } : json;
  };
  return {
    // The CLI bundles assets of every stack it synthesizes unless told otherwise.
    'aws:cdk:bundling-stacks': ['**'],
    ...contextIn(path.join(appDir, 'cdk.json')),
    ...contextIn(path.join(appDir, 'cdk.context.json')),
  };
};

/** What the app's command printed, last lines only: enough to see why it failed. */
const tail = (output: string, lines = 30) => output.trimEnd().split('\n').slice(-lines).join('\n');

const runSynthCommand = (command: string, appDir: string, outdir: string, log: (line: string) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: appDir,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // As the CDK CLI runs an app (docs.aws.amazon.com/cdk/v2/guide/apps.html, checked 2026-12-07): the context
        // and the output folder in the environment, the target account and region as the CLI resolved them.
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(cdkContextOf(appDir)),
        CDK_DEFAULT_ACCOUNT: LOCAL_ACCOUNT,
        CDK_DEFAULT_REGION: LOCAL_REGION,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    const progress = setInterval(() => log(`still synthesizing (${Math.round((Date.now() - started) / 1000)} s) ...`), 10_000);
    child.on('error', (error) => {
      clearInterval(progress);
      reject(new CdkAppError(`--app "${command}" could not run in ${appDir}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(progress);
      if (code === 0) return resolve();
      reject(
        new CdkAppError(
          `--app "${command}" failed in ${appDir} (${signal ?? `exit code ${code}`}). Fix the app (try it with \`cdk synth\`); ` +
            `its last output:\n${tail(output)}`,
        ),
      );
    });
  });

/**
 * Synthesizes a CDK app as `cdk synth --app <app>` does (its command in its folder, with that folder's context,
 * CDK_OUTDIR and CDK_CONTEXT_JSON) into `outdir`, or reads a cloud assembly directory given as the app, and returns
 * the one stack to run.
 */
export const synthesizeCdkApp = async (source: CdkAppSource, outdir: string, log: (line: string) => void): Promise<StageAssembly> => {
  const baseDir = path.resolve(source.appDir ?? process.cwd());
  const asPath = path.resolve(baseDir, source.app);
  const isDir = existsSync(asPath) && statSync(asPath).isDirectory();
  if (isDir && isCloudAssembly(asPath)) {
    log(`reading the cloud assembly ${asPath} ...`);
    return readCloudAssembly(asPath, source.stack);
  }
  let command = source.app;
  let appDir = baseDir;
  if (isDir) {
    const cdkJson = path.join(asPath, 'cdk.json');
    const app = existsSync(cdkJson) ? readJson<{ app?: unknown }>(cdkJson).app : undefined;
    if (typeof app !== 'string') {
      throw new CdkAppError(
        `--app ${source.app} is a folder with neither a manifest.json (a cloud assembly) nor a cdk.json with an "app" command; ` +
          'pass the command that synthesizes the app, its folder, or its cdk.out.',
      );
    }
    command = app;
    appDir = asPath;
  }
  log(`synthesizing the app: ${command} (in ${appDir}) ...`);
  // A stale assembly from an earlier start must not pass for this synth's.
  rmSync(outdir, { recursive: true, force: true });
  await runSynthCommand(command, appDir, outdir, log);
  if (!isCloudAssembly(outdir)) {
    throw new CdkAppError(
      `--app "${command}" ran but wrote no cloud assembly to CDK_OUTDIR: does it create an App (aws-cdk-lib) and add a Stack to it?`,
    );
  }
  return readCloudAssembly(outdir, source.stack);
};
