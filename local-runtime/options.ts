import { z } from 'zod';
import type { StageAssembly } from './cloud-assembly';
import type { FaultConfig } from './faults/fault-config';

/**
 * The runtime's ports: the programmatic option (`ports.<key>`), the CLI's flag, environment variable and default, and
 * what listens there. A new port is one row here, then used where it is served.
 */
export const RUNTIME_PORTS = [
  { key: 'http', flag: '--api-port', env: 'ORDERS_LOCAL_API_PORT', fallback: 3000, what: 'HTTP API' },
  { key: 'https', flag: '--https-port', env: 'ORDERS_LOCAL_HTTPS_PORT', fallback: 3443, what: 'HTTPS API' },
  { key: 'dynamodb', flag: '--dynamodb-port', env: 'ORDERS_LOCAL_DYNAMODB_PORT', fallback: 8000, what: 'DynamoDB' },
  { key: 'sqs', flag: '--sqs-port', env: 'ORDERS_LOCAL_SQS_PORT', fallback: 4566, what: 'SQS' },
  {
    key: 'dashboard',
    flag: '--dashboard-port',
    env: 'ORDERS_LOCAL_DASHBOARD_PORT',
    fallback: 3001,
    what: 'live dashboard',
    // Programs that do not ask for the dashboard get it on a free port.
    optional: true,
  },
] as const;

type PortSpec = (typeof RUNTIME_PORTS)[number];
/** 0 picks a free port. */
export type RuntimePorts = { readonly [P in PortSpec as P extends { optional: true } ? never : P['key']]: number } & {
  readonly [P in PortSpec as P extends { optional: true } ? P['key'] : never]?: number;
};

export interface LocalRuntimeOptions {
  /** One of this project's stages (dev when neither it nor `app` is given). */
  readonly stage?: string;
  /**
   * Another CDK app to run instead of this project's stack, as the CDK CLI's `--app` takes it: a command run in `appDir`
   * with that folder's cdk.json context, a folder holding a cdk.json, or a cloud assembly directory (see cdk-app.ts).
   */
  readonly app?: string;
  /** The app's stack to run when it has several (its name or its `Stage/Stack` path). */
  readonly stack?: string;
  /** The folder `app`'s command runs in; the current folder when absent. */
  readonly appDir?: string;
  /**
   * Runs a stack even when some of its resources would run differently from AWS (a FIFO queue, a physical name, ...),
   * each said at start; without it such a stack is refused (DifferencesRefusedError). See inventory.ts.
   */
  readonly acceptDifferences?: boolean;
  /** Holds data, logs, TLS material, the cloud assembly and outputs.json. */
  readonly dataDir: string;
  readonly ports: RuntimePorts;
  /** Overrides every queue's visibility timeout, e.g. for fast retries in tests. */
  readonly visibilityTimeoutSeconds?: number;
  /** Per function logical-id prefix (e.g. "ConsumerFunction"): extra environment, merged last. */
  readonly environmentOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per function logical-id prefix: a Timeout in seconds replacing the template's. */
  readonly timeoutOverrides?: Readonly<Record<string, number>>;
  /** Fraction of successfully processed records the event source delivers once more (at-least-once duplicates). */
  readonly duplicateDeliveryRate?: number;
  /** Faults injected on the wire into the functions' DynamoDB calls (docs/local-runtime.md, "Fault injection"). */
  readonly faults?: FaultConfig;
  /** Seeds every random choice of the runtime (faults, duplicate deliveries); a fresh one when absent, see `seed` on the runtime. */
  readonly seed?: number;
  /** Replaces the event-source mappings' batching settings (the tune sweep varies them). */
  readonly eventSourceOverrides?: {
    readonly batchSize?: number;
    readonly maxBatchingWindowSeconds?: number;
    readonly maxConcurrency?: number;
  };
  /** Execution environments all functions together may have (the account-style limit); default 4 per core, at least 8. */
  readonly maxEnvironments?: number;
  readonly log?: (line: string) => void;
  /**
   * Synthesizes the stack to run into `outdir`; the stage's stack when absent. The conformance suite runs a probe
   * stack this way (test/conformance).
   */
  readonly synthesize?: (outdir: string) => StageAssembly;
}

export class StartOptionsError extends Error {
  override readonly name = 'StartOptionsError';
}

const port = z.number().int().min(0).max(65535);
const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', { message: `${what} must be a function` });

/** Every option of the runtime with its bounds; unknown options are refused (a typo must not pass silently). */
const runtimeOptionsSchema = z
  .strictObject({
    stage: z.string().min(1).optional(),
    app: z.string().trim().min(1, 'app is empty: pass a command, a folder with a cdk.json, or a cloud assembly').optional(),
    stack: z.string().min(1).optional(),
    appDir: z.string().min(1).optional(),
    acceptDifferences: z.boolean().optional(),
    dataDir: z.string().min(1),
    ports: z.strictObject(
      Object.fromEntries(RUNTIME_PORTS.map((spec) => [spec.key, 'optional' in spec ? port.optional() : port])) as Record<
        PortSpec['key'],
        typeof port
      >,
    ),
    // SQS allows 0 s to 12 h (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html, checked 2026-12-07).
    visibilityTimeoutSeconds: z.number().int().min(0).max(43_200).optional(),
    environmentOverrides: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    // Lambda's timeout is 1 s to 900 s (docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html, checked 2026-12-07).
    timeoutOverrides: z.record(z.string(), z.number().min(1).max(900)).optional(),
    duplicateDeliveryRate: z.number().min(0).max(1).optional(),
    faults: z
      .custom<FaultConfig>((value) => typeof value === 'object' && value !== null, { message: 'faults must be a FaultConfig' })
      .optional(),
    seed: z.number().int().min(0).optional(),
    // SQS event source bounds (docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html, checked 2026-12-07).
    eventSourceOverrides: z
      .strictObject({
        batchSize: z.number().int().min(1).max(10_000).optional(),
        maxBatchingWindowSeconds: z.number().int().min(0).max(300).optional(),
        maxConcurrency: z.number().int().min(2).max(1_000).optional(),
      })
      .optional(),
    maxEnvironments: z.number().int().min(2).optional(),
    log: fn<(line: string) => void>('log').optional(),
    synthesize: fn<(outdir: string) => StageAssembly>('synthesize').optional(),
  })
  .superRefine((options, context) => {
    if (options.app !== undefined && options.stage !== undefined) {
      context.addIssue({ code: 'custom', path: ['app'], message: 'app runs another CDK app: pass it without stage' });
    }
    if (options.app !== undefined && options.synthesize !== undefined) {
      context.addIssue({ code: 'custom', path: ['app'], message: 'app runs another CDK app: pass it without synthesize' });
    }
    if (options.stack !== undefined && options.app === undefined) {
      context.addIssue({ code: 'custom', path: ['stack'], message: 'stack picks one stack of an app: pass it with app (--app)' });
    }
  });

/**
 * The runtime's options, checked against their schema: every mistake named with its option, all at once, as a
 * StartOptionsError. `npm start` builds its options from the command line and checks them here too.
 */
export const validateRuntimeOptions = (input: LocalRuntimeOptions): LocalRuntimeOptions => {
  const parsed = runtimeOptionsSchema.safeParse(input);
  if (parsed.success) return input;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(options)'}: ${issue.message}`);
  throw new StartOptionsError(
    `The local runtime's options are invalid:\n${problems.join('\n')}\nFix them (docs/local-runtime.md lists every option).`,
  );
};
