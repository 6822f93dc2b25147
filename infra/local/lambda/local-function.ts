import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WriteStream } from 'node:fs';
import * as path from 'node:path';

export interface LocalFunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  readonly codeDir: string;
  /** "index.handler" */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  /** The function's resolved environment plus the local endpoints. */
  readonly environment: Readonly<Record<string, string>>;
  /** Folders mounted like /opt/nodejs/node_modules, in layer order. */
  readonly modulePaths: readonly string[];
  readonly log: WriteStream;
}

type InvocationResult =
  | { readonly ok: true; readonly result: unknown; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly error: { readonly errorType: string; readonly errorMessage: string };
      readonly timedOut: boolean;
      readonly durationMs: number;
    };

export type InvokeOutcome = InvocationResult & { readonly coldStart: boolean };

interface ExecutionEnvironment {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

const BOOTSTRAP = path.join(__dirname, 'bootstrap.js');

/**
 * Runs a function from its bundled asset the way Lambda does: one execution environment (a Node
 * process) per concurrent invocation, each initialised once and reused; the Timeout enforced by
 * killing the environment, which makes that invocation fail and the next one start cold.
 */
export class LocalFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private inFlight = 0;
  private drained: (() => void) | undefined;

  /** Invocations and their summed duration (Lambda bills each rounded up to 1 ms), for cost reports. */
  readonly usage = { invocations: 0, durationMs: 0 };

  constructor(readonly definition: LocalFunctionDefinition) {}

  get name(): string {
    return this.definition.functionName;
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    this.inFlight += 1;
    const started = Date.now();
    const reused = this.idle.pop();
    const environment = reused ?? this.createEnvironment();
    const coldStart = !reused;
    try {
      const outcome = await this.runInvocation(environment, event, started);
      this.usage.invocations += 1;
      this.usage.durationMs += Math.max(1, Math.ceil(outcome.durationMs));
      return { ...outcome, coldStart };
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Waits for in-flight invocations, then ends every execution environment. */
  async stop(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    for (const environment of this.all) environment.child.kill('SIGKILL');
    this.all.clear();
    this.idle.length = 0;
  }

  private createEnvironment(): ExecutionEnvironment {
    const { definition } = this;
    const child = fork(BOOTSTRAP, [], {
      cwd: definition.codeDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TZ: 'UTC',
        AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.functionName}`,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: definition.codeDir,
        ...definition.environment,
        NODE_PATH: definition.modulePaths.join(path.delimiter),
        LOCAL_HANDLER_DIR: definition.codeDir,
        LOCAL_HANDLER: definition.handler,
      },
    });
    // Many environments share one log file: write chunks rather than piping (pipes add listeners each).
    const writeLog = (chunk: Buffer) => definition.log.write(chunk);
    child.stdout?.on('data', writeLog);
    child.stderr?.on('data', writeLog);
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`execution environment exited during init (code ${code})`)));
    });
    ready.catch(() => undefined);
    const environment = { child, ready };
    this.all.add(environment);
    child.once('exit', () => {
      this.all.delete(environment);
      const index = this.idle.indexOf(environment);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return environment;
  }

  private runInvocation(
    environment: ExecutionEnvironment,
    event: unknown,
    started: number,
  ): Promise<InvocationResult> {
    const { definition } = this;
    const id = randomUUID();
    // Lambda's timeout clock includes init of a cold environment.
    const deadline = started + definition.timeoutSeconds * 1000;
    return new Promise((resolve) => {
      const finish = (outcome: InvocationResult, keepEnvironment: boolean) => {
        clearTimeout(timer);
        environment.child.off('message', onMessage);
        environment.child.off('exit', onExit);
        if (keepEnvironment) this.idle.push(environment);
        else environment.child.kill('SIGKILL');
        resolve(outcome);
      };
      const onMessage = (message: { id?: string; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
        if (message.id !== id) return;
        const durationMs = Date.now() - started;
        if (message.error) finish({ ok: false, error: message.error, timedOut: false, durationMs }, true);
        else finish({ ok: true, result: message.result, durationMs }, true);
      };
      const onExit = (code: number | null) =>
        finish(
          {
            ok: false,
            error: { errorType: 'Runtime.ExitError', errorMessage: `execution environment exited (code ${code})` },
            timedOut: false,
            durationMs: Date.now() - started,
          },
          false,
        );
      const timer = setTimeout(
        () =>
          finish(
            {
              ok: false,
              error: {
                errorType: 'Sandbox.Timedout',
                errorMessage: `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
              },
              timedOut: true,
              durationMs: Date.now() - started,
            },
            false,
          ),
        Math.max(0, deadline - Date.now()),
      );
      environment.child.on('message', onMessage);
      environment.child.once('exit', onExit);
      environment.ready
        .then(() =>
          environment.child.send({
            id,
            event,
            deadline,
            context: {
              functionName: definition.functionName,
              functionVersion: '$LATEST',
              invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${definition.functionName}`,
              memoryLimitInMB: String(definition.memorySizeMb),
              awsRequestId: id,
              logGroupName: `/aws/lambda/${definition.functionName}`,
              logStreamName: `local/[$LATEST]${environment.child.pid}`,
            },
          }),
        )
        .catch(() => undefined);
    });
  }
}
