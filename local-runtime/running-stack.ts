import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type CfnResource, type CfnTemplate, type StageAssembly, resourcesOfType } from './cloud-assembly';
import { aliasesOf, invokedFunctionId, referencedLogicalIds } from './function-reference';
import type { HttpApiServer, LocalHttpApi } from './http-api';
import { corsFromTemplate } from './http-api-cors';
import { type LocalRoute, routesFromTemplate } from './http-api-routes';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalResource, localFunctionArn, resolveIntrinsics } from './intrinsics';
import type { EnvironmentBudget } from './lambda/environment-budget';
import { type InvocationRecord, LocalFunction, type LocalFunctionDefinition } from './lambda/local-function';
import { nodeBinaryFor } from './lambda/node-runtimes';
import { physicalNameOf, provisionResources } from './provision';
import { assertNoRefusals, describeInventory, inventoryOf } from './inventory';
import { LocalEventSourceMapping } from './lambda-api/event-source-mapping';
import { derivedRandom } from './seeded-random';
import { type BatchSummary, type EventSourceSettings, SqsEventSource } from './sqs-event-source';

export interface RunningStackOptions {
  readonly stackName: string;
  /** The runtime's own clients: straight to the emulators. */
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Lambda's pollers: through the counting proxy. */
  readonly pollerSqs: SQSClient;
  /** The counting proxies' endpoints the functions use. */
  readonly functionEndpoints: { readonly dynamodb: string; readonly sqs: string };
  /** The AWS SDK the nodejs22.x runtime provides outside the bundle. */
  readonly runtimeNodeModules: string;
  readonly logDir: string;
  readonly budget: EnvironmentBudget;
  readonly seed: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly environmentOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly timeoutOverrides?: Readonly<Record<string, number>>;
  readonly duplicateDeliveryRate?: number;
  readonly eventSourceOverrides?: {
    readonly batchSize?: number;
    readonly maxBatchingWindowSeconds?: number;
    readonly maxConcurrency?: number;
  };
  /** Runs what would run differently from AWS, as named at start (inventory.ts), in stack changes of watch mode too. */
  readonly acceptDifferences?: boolean;
  readonly onBatch: (summary: BatchSummary) => void;
  readonly onInvocation?: (invocation: InvocationRecord) => void;
  readonly log: (line: string) => void;
}

/** What a code replacement or a stack change did, one phrase per change, and when the old code is no longer used. */
export interface AppliedChange {
  readonly changes: readonly string[];
  /** Things that could not be applied in place, each saying what was done instead. */
  readonly warnings: readonly string[];
  /** Resolves when no environment runs a replaced definition any more. */
  readonly retired: Promise<void>;
}

/** "ApiFunctionCE271BD4" → "ApiFunction": logical ids read without CDK's hash suffix. */
/** The one version a local function has: its current code. */
const LOCAL_VERSION = '1';

export const shortId = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

const overrideFor = <T>(overrides: Readonly<Record<string, T>> | undefined, logicalId: string): T | undefined =>
  Object.entries(overrides ?? {}).find(([prefix]) => logicalId.startsWith(prefix))?.[1];

/** A digest of every file under a folder: two asset folders with the same digest run the same code. */
export const folderDigest = (dir: string): string => {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else
        hash
          .update(child)
          .update('\0')
          .update(readFileSync(path.join(dir, child)))
          .update('\0');
    }
  };
  walk('.');
  return hash.digest('hex');
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Differences that need the function's environments recycled, apart from its code. */
const definitionChanges = (before: LocalFunctionDefinition, after: LocalFunctionDefinition): string[] => {
  const changes: string[] = [];
  if (before.functionName !== after.functionName) changes.push(`name ${before.functionName} → ${after.functionName}`);
  if (before.handler !== after.handler) changes.push(`handler ${before.handler} → ${after.handler}`);
  if (before.runtime !== after.runtime) changes.push(`runtime ${before.runtime} → ${after.runtime}`);
  if (before.timeoutSeconds !== after.timeoutSeconds) changes.push(`timeout ${before.timeoutSeconds} s → ${after.timeoutSeconds} s`);
  if (before.memorySizeMb !== after.memorySizeMb) changes.push(`memory ${before.memorySizeMb} → ${after.memorySizeMb} MB`);
  if (before.reservedConcurrency !== after.reservedConcurrency) {
    changes.push(`reserved concurrency ${before.reservedConcurrency ?? 'none'} → ${after.reservedConcurrency ?? 'none'}`);
  }
  const names = new Set([...Object.keys(before.environment), ...Object.keys(after.environment)]);
  const changedVariables = [...names].filter((name) => before.environment[name] !== after.environment[name]).sort();
  if (changedVariables.length > 0) changes.push(`environment ${changedVariables.join(', ')}`);
  if (!sameJson(before.modulePaths, after.modulePaths)) changes.push('layers');
  if (
    before.logGroupName !== after.logGroupName ||
    before.logFormat !== after.logFormat ||
    before.applicationLogLevel !== after.applicationLogLevel ||
    before.systemLogLevel !== after.systemLogLevel
  ) {
    changes.push('logging');
  }
  if (before.tracingMode !== after.tracingMode)
    changes.push(`tracing ${before.tracingMode ?? 'PassThrough'} → ${after.tracingMode ?? 'PassThrough'}`);
  return changes;
};

interface RunningEventSource {
  readonly source: SqsEventSource;
  /** The mapping as the local Lambda API shows and updates it. */
  readonly mapping: LocalEventSourceMapping;
  readonly functionId: string;
  readonly queueId: string;
  /** A new QueueName makes a new queue (CloudFormation replaces it): the mapping moves to it. */
  readonly queueUrl: string;
}

/**
 * The resources of one synthesized stack as they run locally: tables and queues on the emulators, functions,
 * event-source mappings and routes. `apply` brings it to a template, first from nothing at start and then from the
 * running one on a stack change in watch mode; `replaceCode` swaps rebuilt bundles in.
 */
/**
 * Concurrent invokes a mapping runs locally: its MaximumConcurrency; in provisioned mode its maximum pollers × 10 (each
 * event poller runs up to 10 concurrent invokes; AWS's default maximum is 200 pollers); else AWS's 1,000.
 */
export const mappingConcurrency = (props: {
  ScalingConfig?: { MaximumConcurrency?: number };
  ProvisionedPollerConfig?: { MaximumPollers?: number };
}): number =>
  props.ScalingConfig?.MaximumConcurrency ??
  (props.ProvisionedPollerConfig ? Number(props.ProvisionedPollerConfig.MaximumPollers ?? 200) * 10 : 1000);

export class RunningStack {
  readonly functions = new Map<string, LocalFunction>();
  private readonly eventSources = new Map<string, RunningEventSource>();
  private resources = new Map<string, LocalResource>();
  private template: CfnTemplate = { Resources: {} };
  /** By layer logical id: the folder holding the layer's nodejs/ as it runs now. */
  private readonly layerDirs = new Map<string, string>();
  private served: LocalHttpApi = { routes: [] };
  private api: HttpApiServer | undefined;

  constructor(private readonly options: RunningStackOptions) {}

  /** The routes and CORS configuration the HTTP API serves. */
  get httpApi(): LocalHttpApi {
    return this.served;
  }

  /** Changed routes reach this server from the next apply on. */
  serveWith(api: HttpApiServer): void {
    this.api = api;
  }

  /** The event source mappings running now, as the local Lambda API lists them. */
  get mappings(): readonly LocalEventSourceMapping[] {
    return [...this.eventSources.values()].map(({ mapping }) => mapping);
  }

  /** The template running now. */
  get runningTemplate(): CfnTemplate {
    return this.template;
  }

  /** The template's resources, by logical id, resolved to local names (for outputs). */
  get resolved(): ReadonlyMap<string, LocalResource> {
    return this.resources;
  }

  async apply(assembly: StageAssembly): Promise<AppliedChange> {
    const starting = this.functions.size === 0 && this.eventSources.size === 0;
    const { template } = assembly;
    const before = this.template;
    const changes: string[] = [];
    const warnings: string[] = [];
    const log = starting ? this.options.log : () => undefined;

    if (!starting) {
      // A stack change in watch mode is held to the start's rule, and names what it adds that does not run as on AWS.
      const inventory = inventoryOf(template, this.options.stackName);
      assertNoRefusals(inventory, this.options.acceptDifferences ?? false);
      const known = new Set(describeInventory(inventoryOf(before, this.options.stackName)));
      warnings.push(...describeInventory(inventory).filter((line) => !line.startsWith('runs ') && !known.has(line)));
    }
    this.checkMappings(template);
    const unchangeable = this.unchangeableTableChanges(before, template);
    warnings.push(...unchangeable.map(({ warning }) => warning));
    changes.push(...this.queueChanges(before, template));
    const resources = await provisionResources({
      stackName: this.options.stackName,
      template,
      dynamodb: this.options.dynamodb,
      sqs: this.options.sqs,
      queueUrlEndpoint: this.options.functionEndpoints.sqs,
      visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      log,
    });
    for (const [logicalId] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
      if (!starting && !before.Resources[logicalId]) changes.push(`table ${shortId(logicalId)} created`);
    }

    const functionResources = resourcesOfType(template, 'AWS::Lambda::Function');
    // Functions may reference each other (and layers); register their local identities first.
    for (const [logicalId, fn] of functionResources) {
      const functionName = physicalNameOf(fn.Properties?.FunctionName, this.options.stackName, logicalId, resources);
      resources.set(logicalId, {
        ref: functionName,
        attributes: { Arn: localFunctionArn(functionName) },
      });
    }
    // Locally a function runs one copy, of its current code: each of its versions and aliases resolves to that copy.
    for (const [logicalId, resource] of [
      ...resourcesOfType(template, 'AWS::Lambda::Version'),
      ...resourcesOfType(template, 'AWS::Lambda::Alias'),
    ]) {
      const functionArn = resources.get(invokedFunctionId(template, { Ref: logicalId }) ?? '')?.attributes.Arn;
      if (!functionArn) continue;
      if (resource.Type === 'AWS::Lambda::Alias') {
        const aliasArn = `${functionArn}:${resource.Properties?.Name}`;
        resources.set(logicalId, { ref: aliasArn, attributes: { AliasArn: aliasArn } });
      } else {
        resources.set(logicalId, {
          ref: `${functionArn}:${LOCAL_VERSION}`,
          attributes: { Version: LOCAL_VERSION, FunctionArn: functionArn },
        });
      }
    }
    const layerDirs = new Map<string, string>();
    for (const [logicalId, layer] of resourcesOfType(template, 'AWS::Lambda::LayerVersion')) {
      resources.set(logicalId, { ref: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:layer:${logicalId}:1`, attributes: {} });
      const synthesized = assembly.assetDir(layer.Properties?.Content ?? {});
      const running = this.layerDirs.get(logicalId);
      // The running folder stays when it holds the same build (watch mode may have built it already).
      layerDirs.set(logicalId, running && folderDigest(running) === folderDigest(synthesized) ? running : synthesized);
    }
    this.resources = resources;
    for (const [logicalId, dir] of layerDirs) {
      if (!starting && this.layerDirs.get(logicalId) !== dir) changes.push(`layer ${shortId(logicalId)} rebuilt`);
      this.layerDirs.set(logicalId, dir);
    }

    const retiring: Promise<void>[] = [];
    const wanted = new Set(functionResources.map(([logicalId]) => logicalId));
    for (const [logicalId, fn] of functionResources) {
      const running = this.functions.get(logicalId);
      const synthesizedCode = assembly.assetDir(fn.Properties?.Code ?? {});
      const codeDir =
        running && folderDigest(running.definition.codeDir) === folderDigest(synthesizedCode)
          ? running.definition.codeDir
          : synthesizedCode;
      const definition = this.definitionFor(logicalId, fn, codeDir, template);
      if (!running) {
        this.functions.set(
          logicalId,
          new LocalFunction(definition, { budget: this.options.budget, onInvocation: this.options.onInvocation }),
        );
        if (!starting) changes.push(`function ${shortId(logicalId)} started`);
        continue;
      }
      const differences = definitionChanges(running.definition, definition);
      if (codeDir !== running.definition.codeDir) differences.unshift('code');
      if (differences.length === 0) continue;
      retiring.push(running.replaceDefinition(definition));
      changes.push(`function ${shortId(logicalId)} recycled (${differences.join('; ')})`);
    }
    const removedFunctions = [...this.functions].filter(([logicalId]) => !wanted.has(logicalId));

    changes.push(...(await this.applyEventSources(template, starting)));
    for (const [logicalId, fn] of removedFunctions) {
      this.functions.delete(logicalId);
      retiring.push(fn.stop());
      changes.push(`function ${shortId(logicalId)} stopped (removed from the stack)`);
    }

    const routes = routesFromTemplate(template);
    const routeKeys = (list: readonly LocalRoute[]) => new Set(list.map((route) => `${route.routeKey} → ${route.functionLogicalId}`));
    const [oldKeys, newKeys] = [routeKeys(this.served.routes), routeKeys(routes)];
    if (!starting) {
      for (const key of newKeys) if (!oldKeys.has(key)) changes.push(`route ${shortId(key)} added`);
      for (const key of oldKeys) if (!newKeys.has(key)) changes.push(`route ${shortId(key)} removed`);
    }
    const cors = corsFromTemplate(template);
    if (!starting && JSON.stringify(cors) !== JSON.stringify(this.served.cors)) changes.push('CORS configuration applied');
    this.served = { routes, cors };
    this.api?.setApi(this.served);
    // A table left as it was stays in the running template, so that changing it back is no change.
    const kept = Object.fromEntries(unchangeable.map(({ logicalId }) => [logicalId, before.Resources[logicalId]]));
    this.template = { ...template, Resources: { ...template.Resources, ...kept } };
    return { changes, warnings, retired: Promise.all(retiring).then(() => undefined) };
  }

  /**
   * Runs rebuilt bundles (watch mode): `functions` maps a function's logical id to its new code folder, `layers` a
   * layer's logical id to its new asset folder. Every function using a rebuilt layer is recycled too.
   */
  replaceCode(update: { functions?: ReadonlyMap<string, string>; layers?: ReadonlyMap<string, string> }): AppliedChange {
    const changes: string[] = [];
    for (const [logicalId, dir] of update.layers ?? []) this.layerDirs.set(logicalId, dir);
    const retiring: Promise<void>[] = [];
    for (const [logicalId, fn] of this.functions) {
      const props = this.template.Resources[logicalId] as CfnResource;
      const codeDir = update.functions?.get(logicalId) ?? fn.definition.codeDir;
      const usesRebuiltLayer = (props.Properties?.Layers ?? []).some((layer: { Ref?: string }) => update.layers?.has(layer.Ref ?? ''));
      if (codeDir === fn.definition.codeDir && !usesRebuiltLayer) continue;
      retiring.push(fn.replaceDefinition(this.definitionFor(logicalId, props, codeDir)));
      changes.push(`${shortId(logicalId)} recycled`);
    }
    return { changes, warnings: [], retired: Promise.all(retiring).then(() => undefined) };
  }

  /** By logical id: the folder each function's code and each layer runs from now. */
  runningDirs(): Map<string, string> {
    const dirs = new Map(this.layerDirs);
    for (const [logicalId, fn] of this.functions) dirs.set(logicalId, fn.definition.codeDir);
    return dirs;
  }

  /** Polling ends; batches in flight finish. */
  async stopEventSources(): Promise<void> {
    await Promise.all([...this.eventSources.values()].map(({ source }) => source.stop()));
  }

  async stopFunctions(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
  }

  private definitionFor(logicalId: string, fn: CfnResource, codeDir: string, template = this.template): LocalFunctionDefinition {
    const { options } = this;
    const props = fn.Properties ?? {};
    const environment = resolveIntrinsics(props.Environment?.Variables ?? {}, this.resources) as Record<string, string>;
    const layers: string[] = (props.Layers ?? []).map((layer: { Ref?: string }) => {
      const dir = layer.Ref ? this.layerDirs.get(layer.Ref) : undefined;
      if (!dir) throw new Error(`${logicalId} uses a layer the local runtime cannot find: ${JSON.stringify(layer)}`);
      return path.join(dir, 'nodejs', 'node_modules');
    });
    const runtime = nodeBinaryFor(props.Runtime);
    // The inventory named it at start; accepted, a function whose runtime cannot run at all fails here.
    if ('refused' in runtime) throw new Error(`${logicalId}: ${runtime.refused}`);
    return {
      runtime: props.Runtime,
      nodeBinary: runtime.binary.path,
      reservedConcurrency: props.ReservedConcurrentExecutions,
      logicalId,
      functionName: this.resources.get(logicalId)?.ref ?? logicalId,
      codeDir,
      handler: props.Handler,
      timeoutSeconds: overrideFor(options.timeoutOverrides, logicalId) ?? props.Timeout ?? 3,
      memorySizeMb: props.MemorySize ?? 128,
      environment: {
        ...environment,
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: options.functionEndpoints.dynamodb,
        AWS_ENDPOINT_URL_SQS: options.functionEndpoints.sqs,
        ...overrideFor(options.environmentOverrides, logicalId),
      },
      modulePaths: [...layers, options.runtimeNodeModules],
      logFile: path.join(options.logDir, `${logicalId}.log`),
      logGroupName: this.logGroupNameOf(template, props.LoggingConfig?.LogGroup),
      logFormat: props.LoggingConfig?.LogFormat,
      applicationLogLevel: props.LoggingConfig?.ApplicationLogLevel,
      systemLogLevel: props.LoggingConfig?.SystemLogLevel,
      tracingMode: props.TracingConfig?.Mode,
    };
  }

  /**
   * A custom log group of the template, by the name CloudFormation gives it: its LogGroupName, or a generated
   * `<stack>-<logicalId>` (CloudFormation adds a random suffix the local runtime has no use for).
   */
  private logGroupNameOf(template: CfnTemplate, logGroup: unknown): string | undefined {
    if (logGroup === undefined) return undefined;
    if (typeof logGroup === 'string') return logGroup;
    const logicalId = (logGroup as { Ref?: string }).Ref;
    const resource = logicalId ? template.Resources[logicalId] : undefined;
    if (!logicalId || resource?.Type !== 'AWS::Logs::LogGroup') return undefined;
    return resource.Properties?.LogGroupName ?? `${this.options.stackName}-${logicalId}`;
  }

  private eventSourceSettings(
    logicalId: string,
    props: NonNullable<CfnResource['Properties']>,
    template: CfnTemplate,
  ): EventSourceSettings & { functionId: string; queueId: string } {
    const { options } = this;
    const queueId: string = props.EventSourceArn?.['Fn::GetAtt']?.[0];
    const functionId = invokedFunctionId(template, props.FunctionName) ?? '';
    const queue = this.resources.get(queueId);
    if (!queue || !this.functions.has(functionId)) {
      throw new Error(`event source mapping ${logicalId} must connect a local queue to a local function`);
    }
    const fifoQueue = ['true', true].includes(template.Resources[queueId]?.Properties?.FifoQueue);
    const batchSize = options.eventSourceOverrides?.batchSize ?? props.BatchSize ?? 10;
    const maxBatchingWindowSeconds = options.eventSourceOverrides?.maxBatchingWindowSeconds ?? props.MaximumBatchingWindowInSeconds ?? 0;
    return {
      functionId,
      queueId,
      queueUrl: queue.ref,
      queueArn: queue.attributes.Arn,
      // A FIFO queue's mapping takes at most 10 records and no batching window (the template's are checked at start;
      // these bound the tune sweep's overrides too).
      batchSize: fifoQueue ? Math.min(batchSize, 10) : batchSize,
      maxBatchingWindowSeconds: fifoQueue ? 0 : maxBatchingWindowSeconds,
      maxConcurrency: options.eventSourceOverrides?.maxConcurrency ?? mappingConcurrency(props),
      reportBatchItemFailures: (props.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      // A duplicate sent again to a FIFO queue would be deduplicated away or land at the end of its group: not injected there.
      duplicateDeliveryRate: fifoQueue ? 0 : (options.duplicateDeliveryRate ?? 0),
      random: derivedRandom(options.seed, `duplicates:${logicalId}`),
    };
  }

  /** AWS refuses a mapping whose queue's visibility timeout is below the function timeout: checked before anything changes. */
  private checkMappings(template: CfnTemplate): void {
    for (const [, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
      const queueId: string = mapping.Properties?.EventSourceArn?.['Fn::GetAtt']?.[0];
      const functionId = invokedFunctionId(template, mapping.Properties?.FunctionName) ?? '';
      const visibility = Number(this.options.visibilityTimeoutSeconds ?? template.Resources[queueId]?.Properties?.VisibilityTimeout ?? 30);
      const timeout = overrideFor(this.options.timeoutOverrides, functionId) ?? template.Resources[functionId]?.Properties?.Timeout ?? 3;
      if (visibility < timeout) {
        // Records would become visible again while the function still works on them.
        throw new Error(
          `Queue visibility timeout (${visibility} s) is less than the timeout of ${this.options.stackName}-${functionId} (${timeout} s); ` +
            'raise visibilityTimeoutSeconds or lower the function timeout.',
        );
      }
    }
  }

  private async applyEventSources(template: CfnTemplate, starting: boolean): Promise<string[]> {
    const changes: string[] = [];
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    const wanted = new Map(
      mappings.map(([logicalId, mapping]) => [logicalId, this.eventSourceSettings(logicalId, mapping.Properties ?? {}, template)]),
    );
    for (const [logicalId, settings] of wanted) {
      const running = this.eventSources.get(logicalId);
      if (
        running &&
        running.functionId === settings.functionId &&
        running.queueId === settings.queueId &&
        running.queueUrl === settings.queueUrl
      ) {
        const was = running.source.batching;
        const described: string[] = [];
        if (was.batchSize !== settings.batchSize) described.push(`batch size ${was.batchSize} → ${settings.batchSize}`);
        if (was.maxBatchingWindowSeconds !== settings.maxBatchingWindowSeconds) {
          described.push(`batching window ${was.maxBatchingWindowSeconds} s → ${settings.maxBatchingWindowSeconds} s`);
        }
        if (was.maxConcurrency !== settings.maxConcurrency)
          described.push(`maximum concurrency ${was.maxConcurrency} → ${settings.maxConcurrency}`);
        if (was.reportBatchItemFailures !== settings.reportBatchItemFailures) {
          described.push(`ReportBatchItemFailures ${was.reportBatchItemFailures ? 'off' : 'on'}`);
        }
        if (described.length === 0) continue;
        const { batchSize, maxBatchingWindowSeconds, maxConcurrency, reportBatchItemFailures } = settings;
        await running.source.reconfigure({ batchSize, maxBatchingWindowSeconds, maxConcurrency, reportBatchItemFailures });
        changes.push(`event source ${shortId(settings.functionId)}: ${described.join(', ')}`);
        continue;
      }
      if (running) void running.source.stop();
      const fn = this.functions.get(settings.functionId) as LocalFunction;
      const source = new SqsEventSource(this.options.pollerSqs, fn, settings, this.options.onBatch, this.options.log);
      const props = template.Resources[logicalId]?.Properties ?? {};
      source.start(props.Enabled !== false);
      const mapping = new LocalEventSourceMapping(
        source,
        this.mappingTargetArn(template, props.FunctionName, fn),
        settings.queueArn,
        props.ScalingConfig?.MaximumConcurrency !== undefined,
      );
      this.eventSources.set(logicalId, {
        source,
        mapping,
        functionId: settings.functionId,
        queueId: settings.queueId,
        queueUrl: settings.queueUrl,
      });
      if (!starting)
        changes.push(`event source ${shortId(settings.queueId)} → ${shortId(settings.functionId)} ${running ? 'replaced' : 'started'}`);
    }
    for (const [logicalId, running] of this.eventSources) {
      if (wanted.has(logicalId)) continue;
      this.eventSources.delete(logicalId);
      // Batches in flight finish; their records are deleted as usual.
      await running.source.stop();
      changes.push(`event source ${shortId(running.queueId)} → ${shortId(running.functionId)} stopped (removed from the stack)`);
    }
    return changes;
  }

  /** The ARN a mapping invokes, as Lambda reports it: an alias or version ARN when FunctionName names one. */
  /** The ARN the mapping names as its function, as Lambda reports it: qualified by the alias when it invokes one. */
  private mappingTargetArn(template: CfnTemplate, functionName: unknown, fn: LocalFunction): string {
    const functionArn = localFunctionArn(fn.definition.functionName);
    const aliases = aliasesOf(template);
    const alias = referencedLogicalIds(functionName)
      .map((logicalId) => aliases.get(logicalId))
      .find((found) => found !== undefined);
    if (alias) return `${functionArn}:${alias.name}`;
    let target: unknown;
    try {
      target = resolveIntrinsics(functionName, this.resources);
    } catch {
      return functionArn;
    }
    return typeof target === 'string' && target.startsWith('arn:') ? target : functionArn;
  }

  private queueChanges(before: CfnTemplate, after: CfnTemplate): string[] {
    const changes: string[] = [];
    for (const [logicalId, queue] of resourcesOfType(after, 'AWS::SQS::Queue')) {
      const was = before.Resources[logicalId];
      if (Object.keys(before.Resources).length === 0) continue;
      if (!was) {
        changes.push(`queue ${shortId(logicalId)} created`);
        continue;
      }
      const names = new Set([...Object.keys(was.Properties ?? {}), ...Object.keys(queue.Properties ?? {})]);
      const changed = [...names].filter((name) => !sameJson(was.Properties?.[name], queue.Properties?.[name])).sort();
      if (changed.length > 0) changes.push(`queue ${shortId(logicalId)}: ${changed.join(', ')} set (messages kept)`);
    }
    return changes;
  }

  /** Key schema and index changes: CloudFormation replaces such a table (losing its items); locally it stays. */
  private unchangeableTableChanges(before: CfnTemplate, after: CfnTemplate): { logicalId: string; warning: string }[] {
    const warnings: { logicalId: string; warning: string }[] = [];
    for (const [logicalId, table] of resourcesOfType(after, 'AWS::DynamoDB::Table')) {
      const was = before.Resources[logicalId]?.Properties;
      if (!was) continue;
      const now = table.Properties ?? {};
      const changed = ['KeySchema', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'].filter((name) => !sameJson(was[name], now[name]));
      if (changed.length === 0) continue;
      const tableName = this.resources.get(logicalId)?.ref ?? logicalId;
      warnings.push({
        logicalId,
        warning:
          `table ${shortId(logicalId)}: ${changed.join(', ')} changed, which cannot change in place (a deploy replaces the table and ` +
          `loses its items). NOT applied: ${tableName} keeps its old schema and items. To apply it, stop npm start, delete the ` +
          `table (aws dynamodb delete-table --table-name ${tableName} against the local endpoint) or the data dir, and start again.`,
      });
    }
    return warnings;
  }
}
