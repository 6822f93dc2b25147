import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { synthesizeCdkApp } from './cdk-app';
import { type CfnTemplate, type StageAssembly, synthesizeStage } from './cloud-assembly';
import { EmulatorProcess } from './emulators/emulator-process';
import { superviseEmulator } from './emulators/supervise-emulator';
import { EnvironmentBudget } from './lambda/environment-budget';
import { startHttpApi } from './http-api';
import { buildRuntimeSdkFolder } from './lambda/runtime-sdk';
import { apiResources, localApiUrl } from './http-api-url';
import { startDashboard } from './dashboard';
import { startLambdaApi } from './lambda-api/lambda-api-server';
import {
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalResource,
  UnresolvableReferenceError,
  resolveIntrinsics,
} from './intrinsics';
import type { FunctionUsage, LocalFunction, LocalFunctionDefinition } from './lambda/local-function';
import { assertPortsFree } from './ports';
import { CountingProxies } from './counting-proxies';
import { type AppliedChange, RunningStack } from './running-stack';
import { assertNoRefusals, describeInventory, type InventoryLine, inventoryOf } from './inventory';
import { type LocalRuntimeOptions, RUNTIME_PORTS, validateRuntimeOptions } from './options';
import { ordersTableOf } from './project-stack';
import type { RuntimeEvents } from './runtime-events';
import { newSeed } from './seeded-random';
import { ensureSelfSignedCertificate } from './tls';

/** The project's packages: the runtime's AWS SDK, of which functions see only what Lambda's runtime ships. */
const PROJECT_NODE_MODULES = path.join(__dirname, '..', 'node_modules');

export interface RuntimeUsage {
  /** By logical id (ApiFunction…, ConsumerFunction…). */
  readonly functions: Readonly<
    Record<string, FunctionUsage & { readonly memorySizeMb: number; readonly systemLogLevel?: LocalFunctionDefinition['systemLogLevel'] }>
  >;
  readonly sqsRequests: number;
  readonly dynamoDbReadUnits: number;
  readonly dynamoDbWriteUnits: number;
}

export interface LocalRuntime {
  readonly stackName: string;
  readonly outputs: Readonly<Record<string, string>>;
  /** The synthesized stage running now. */
  readonly assembly: StageAssembly;
  /** Every resource of the template at start and what the runtime does with it (runs, not run, runs differently). */
  readonly inventory: readonly InventoryLine[];
  /** The template's resources that run, by logical id, with their local names (table names, queue URLs, function names). */
  readonly resources: ReadonlyMap<string, LocalResource>;
  /** Brings the running stack to another synth of the stage (watch mode), keeping tables' and queues' data. */
  applyStack(assembly: StageAssembly): Promise<AppliedChange>;
  /** Runs rebuilt function bundles and layers (watch mode); see RunningStack.replaceCode. */
  replaceCode(update: { functions?: ReadonlyMap<string, string>; layers?: ReadonlyMap<string, string> }): AppliedChange;
  /** By logical id: the folder each function's code and each layer runs from now. */
  runningDirs(): Map<string, string>;
  readonly outputsFile: string;
  readonly apiUrl: string;
  readonly apiHttpsUrl: string;
  /** The live dashboard (docs/local-runtime.md, "Live dashboard"); also LocalDashboardUrl in outputs.json. */
  readonly dashboardUrl: string;
  /** The local Lambda API (docs/local-runtime.md, "Local Lambda API"); also LambdaEndpoint in outputs.json. */
  readonly lambdaEndpoint: string;
  readonly certificateFile: string;
  readonly logDir: string;
  /** Seeds the runtime's random choices: start another with the same seed to replay them. */
  readonly seed: number;
  /**
   * Emits 'batch' with a BatchSummary after every event-source invocation, 'invocation' after every invocation of
   * any function, 'request' after every answer of the HTTP API, and 'fatal' when an emulator died and could not be
   * restarted (the runtime is then of no use: stop it).
   */
  readonly events: EventEmitter<RuntimeEvents>;
  /** Process ids of the emulators as they run now (they change when one is restarted). */
  emulatorPids(): { readonly dynamodb: number; readonly sqs: number };
  /** Requests the functions and the event-source pollers sent, by `<service>:<Operation>`. */
  requestCounts(): Record<string, number>;
  /** What AWS would bill for the run so far: invocations and durations per function, SQS requests, DynamoDB units. */
  usage(): RuntimeUsage;
  stop(): Promise<void>;
}

/** fauxqs needs node:sqlite (Node 22.5+), and Lambda runs nodejs22.x: the runtime runs on the Node it was started with. */
const assertNodeVersion = () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    throw new Error(
      `The local runtime needs Node 22.5 or newer; this is Node ${process.versions.node}. ` +
        'Run it through the npm scripts (npm start, npm run load, ...): they use the Node 22 that npm ci installs.',
    );
  }
};

/** The stack the options ask for, synthesized: a CDK app (`app`), a stack built in-process (`synthesize`) or a stage. */
const synthesizeWanted = async (options: LocalRuntimeOptions, dataDir: string, log: (line: string) => void): Promise<StageAssembly> => {
  if (options.app !== undefined) {
    return synthesizeCdkApp({ app: options.app, stack: options.stack, appDir: options.appDir }, path.join(dataDir, 'cdk.out', 'app'), log);
  }
  const stage = options.stage ?? 'dev';
  log(`synthesizing stage ${stage} ...`);
  const outdir = path.join(dataDir, 'cdk.out', stage);
  return options.synthesize ? options.synthesize(outdir) : synthesizeStage(stage, outdir);
};

export const startLocalRuntime = async (input: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const options = validateRuntimeOptions(input);
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stoppables: { stop(): Promise<void> }[] = [];
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= (async () => {
      for (const stoppable of stoppables.reverse()) await stoppable.stop();
    })();
    return stopped;
  };
  const events = new EventEmitter<RuntimeEvents>();
  const seed = options.seed ?? newSeed();

  assertNodeVersion();
  await assertPortsFree(
    RUNTIME_PORTS.map(({ key, flag, what }) => ({ port: (options.ports as Record<string, number | undefined>)[key] ?? 0, flag, what })),
  );
  try {
    const assembly = await synthesizeWanted(options, dataDir, log);
    const { template, stackName } = assembly;
    const inventory = inventoryOf(template, stackName);
    for (const line of describeInventory(inventory)) log(line);
    assertNoRefusals(inventory, options.acceptDifferences ?? false);

    log('starting DynamoDB (dynalite) and SQS (fauxqs) ...');
    // Both start at once; when one fails, the other is stopped too before the error goes up, so that it cannot
    // outlive the failed start (and write into a data dir the caller then removes).
    const started = await Promise.allSettled([
      EmulatorProcess.start({
        name: 'DynamoDB (dynalite)',
        script: path.join(__dirname, 'emulators', 'dynamodb-server.js'),
        port: options.ports.dynamodb,
        portFlag: '--dynamodb-port',
        dataDir: path.join(dataDir, 'dynamodb', stackName),
        logFile: path.join(logDir, 'dynamodb.log'),
      }),
      EmulatorProcess.start({
        name: 'SQS (fauxqs)',
        script: path.join(__dirname, 'emulators', 'sqs-server.mjs'),
        port: options.ports.sqs,
        portFlag: '--sqs-port',
        dataDir: path.join(dataDir, 'sqs', stackName),
        logFile: path.join(logDir, 'sqs.log'),
      }),
    ]);
    for (const outcome of started) if (outcome.status === 'fulfilled') stoppables.push(outcome.value);
    const failedStart = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failedStart) throw failedStart.reason;
    const [dynamodbEmulator, sqsEmulator] = started.map((outcome) => (outcome as PromiseFulfilledResult<EmulatorProcess>).value);
    for (const emulator of [dynamodbEmulator, sqsEmulator]) superviseEmulator(emulator, log, (error) => events.emit('fatal', error));

    const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: dynamodbEmulator.endpoint });
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEmulator.endpoint });
    stoppables.push({
      stop: async () => {
        dynamodb.destroy();
        sqs.destroy();
      },
    });

    // Functions reach the emulators through counting proxies; the runtime itself talks to them directly.
    let functions: ReadonlyMap<string, LocalFunction> = new Map();
    const proxies = await CountingProxies.start({
      targets: { dynamodb: dynamodbEmulator.endpoint, sqs: sqsEmulator.endpoint },
      buildDir: path.join(dataDir, 'runtime'),
      dynamoDbFaults: options.faults,
      seed,
      crashCaller: (callerId) => {
        const crashed = [...functions.values()].some((fn) => fn.crashEnvironment(callerId));
        log(
          crashed ? `fault injection: crashed execution environment ${callerId}` : `fault injection: no environment ${callerId} to crash`,
        );
      },
    });
    stoppables.push(proxies);
    // Lambda's SQS pollers are billed to the account like any client: theirs go through the counter too.
    const pollerSqs = new SQSClient({ ...clientConfig, endpoint: proxies.endpoints.sqs, useQueueUrlAsEndpoint: false });
    stoppables.push({ stop: async () => pollerSqs.destroy() });

    const tls = await ensureSelfSignedCertificate(dataDir);
    const stack = new RunningStack({
      stackName,
      dynamodb,
      sqs,
      pollerSqs,
      functionEndpoints: { dynamodb: proxies.endpoints.dynamodb, sqs: proxies.endpoints.sqs },
      runtimeNodeModules: buildRuntimeSdkFolder(path.join(dataDir, 'lambda-runtime'), PROJECT_NODE_MODULES),
      acceptDifferences: options.acceptDifferences,
      logDir,
      budget: new EnvironmentBudget(options.maxEnvironments),
      seed,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      environmentOverrides: options.environmentOverrides,
      timeoutOverrides: options.timeoutOverrides,
      duplicateDeliveryRate: options.duplicateDeliveryRate,
      eventSourceOverrides: options.eventSourceOverrides,
      onBatch: (summary) => events.emit('batch', summary),
      onInvocation: (invocation) => events.emit('invocation', invocation),
      log,
    });
    functions = stack.functions;
    stoppables.push({ stop: () => stack.stopFunctions() });
    await stack.apply(assembly);

    const api = await startHttpApi({
      api: stack.httpApi,
      functions: stack.functions,
      httpPort: options.ports.http,
      httpsPort: options.ports.https,
      tls,
      log,
      onRequest: (request) => events.emit('request', request),
      stackName,
      iamCredentials: [LOCAL_CREDENTIALS],
    });
    stack.serveWith(api);
    // Stopped first (stoppables run in reverse): the API stops accepting and polling ends while
    // requests and batches in flight finish; only then do functions, proxies and emulators stop.
    stoppables.push({ stop: async () => void (await Promise.all([api.stop(), stack.stopEventSources()])) });

    const lambdaApi = await startLambdaApi({
      port: options.ports.lambda ?? 0,
      functions: () => stack.functions,
      template: () => stack.runningTemplate,
      mappings: () => stack.mappings,
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      log,
    });
    // Stopped before the functions: no invoke or update arrives while they stop.
    stoppables.push(lambdaApi);

    let current = assembly;
    let outputs: Record<string, string> = {};
    const dashboard = await startDashboard({
      port: options.ports.dashboard ?? 0,
      stackName,
      template: () => current.template,
      resources: () => stack.resolved,
      sqs,
      sqsEndpoint: sqsEmulator.endpoint,
      dynamodb,
      ordersTableName: () => ordersTableOf(outputs),
      logDir,
      events,
      requestCounts: () => proxies.requestCounts(),
      mappings: () => stack.mappings.map((mapping) => mapping.describe()),
      log,
    });
    // Stopped first of all: open pages are told the runtime is stopping before anything else goes.
    stoppables.push(dashboard);

    const outputsFile = path.join(dataDir, 'outputs.json');
    const writeOutputs = (template: CfnTemplate, quiet: boolean) => {
      const outputResources = new Map([...stack.resolved, ...apiResources(template, stackName, api.url)]);
      const next: Record<string, string> = {};
      for (const [name, output] of Object.entries(template.Outputs ?? {})) {
        try {
          next[name] = localApiUrl(String(resolveIntrinsics(output.Value, outputResources)), template, stackName, api.url);
        } catch (error) {
          // Alarms and their SNS topic exist only on AWS; their outputs are left out locally.
          if (!(error instanceof UnresolvableReferenceError)) throw error;
          if (!quiet) log(`output ${name} left out: ${error.message}`);
        }
      }
      next.DynamoDbEndpoint = dynamodbEmulator.endpoint;
      next.SqsEndpoint = sqsEmulator.endpoint;
      next.LocalDashboardUrl = dashboard.url;
      next.LambdaEndpoint = lambdaApi.url;
      writeFileSync(outputsFile, `${JSON.stringify({ [stackName]: next }, null, 2)}\n`);
      outputs = next;
    };
    writeOutputs(template, false);
    if (!ordersTableOf(outputs)) {
      log(
        `dashboard: order search off: it reads this project's orders table and log lines, and ${stackName} has no OrdersTableName ` +
          'output (metrics, alarms and last failures work for any stack)',
      );
    }

    return {
      stackName,
      get outputs() {
        return outputs;
      },
      get assembly() {
        return current;
      },
      inventory,
      get resources() {
        return stack.resolved;
      },
      async applyStack(next) {
        const applied = await stack.apply(next);
        current = next;
        writeOutputs(next.template, true);
        return applied;
      },
      replaceCode: (update) => stack.replaceCode(update),
      runningDirs: () => stack.runningDirs(),
      outputsFile,
      apiUrl: api.url,
      apiHttpsUrl: api.httpsUrl,
      dashboardUrl: dashboard.url,
      lambdaEndpoint: lambdaApi.url,
      certificateFile: tls.certFile,
      logDir,
      seed,
      events,
      emulatorPids: () => ({ dynamodb: dynamodbEmulator.pid ?? 0, sqs: sqsEmulator.pid ?? 0 }),
      requestCounts: () => proxies.requestCounts(),
      usage: () => {
        const billed = proxies.billed();
        return {
          functions: Object.fromEntries(
            [...functions].map(([logicalId, fn]) => [
              logicalId,
              { ...fn.usage, memorySizeMb: fn.definition.memorySizeMb, systemLogLevel: fn.definition.systemLogLevel },
            ]),
          ),
          sqsRequests: billed.sqsRequests,
          dynamoDbReadUnits: billed.readUnits,
          dynamoDbWriteUnits: billed.writeUnits,
        };
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
