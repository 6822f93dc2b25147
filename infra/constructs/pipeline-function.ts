import * as path from 'node:path';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../../shared-layer/src/tooling';
import type { FunctionSettings } from '../config/stages';
import type { LocalBuild } from './local-build';
import { SHARED_LAYER_MODULE } from './shared-layer';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
export const METRICS_NAMESPACE = 'OrdersPipeline';
export const BUNDLE_TSCONFIG = path.join(PROJECT_ROOT, 'tsconfig.json');
/** What every function bundle is built with, by NodejsFunction on synth and by watch mode. */
export const FUNCTION_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*', SHARED_LAYER_MODULE],
} as const;

export interface PipelineFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  readonly functionDir: string;
  /** Becomes POWERTOOLS_SERVICE_NAME: the `service` of every log line and metric. */
  readonly serviceName: string;
  readonly settings: FunctionSettings;
  readonly sharedLayer: ILayerVersion;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Merged over the defaults, never replacing them. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly description?: string;
  /** Caps the function's concurrency and reserves it from the account pool; unset, it shares the unreserved pool. */
  readonly reservedConcurrency?: number;
}

/**
 * A NodejsFunction with the project's defaults: nodejs22.x on arm64 (cheaper per GB-second), bundled
 * locally by esbuild (no Docker), minified with source maps, JSON logs in an explicit log group with
 * retention, X-Ray active tracing, the shared layer attached and its module kept out of the bundle.
 * The AWS SDK is not bundled either: the runtime provides v3, which keeps packages and cold starts small.
 */
export class PipelineFunction extends NodejsFunction {
  /** The same bundle as the asset, built outside synth (watch mode). */
  readonly localBuild: LocalBuild;
  /** The `service` dimension of its EMF metrics and field of its log lines (POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Own role instead of AWSLambdaBasicExecutionRole, whose logs permissions cover every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: writes its own log group only; other grants are added by the stack`,
    });
    logGroup.grantWrite(role);
    const entry = path.join(PROJECT_ROOT, 'functions', props.functionDir, 'handler.ts');
    const functionProps: NodejsFunctionProps = {
      role,
      entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.settings.memorySizeMb,
      timeout: props.settings.timeout,
      description: props.description,
      reservedConcurrentExecutions: props.reservedConcurrency,
      layers: [props.sharedLayer],
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.POWERTOOLS_SERVICE_NAME]: props.serviceName,
        [ENV.POWERTOOLS_METRICS_NAMESPACE]: METRICS_NAMESPACE,
        [ENV.POWERTOOLS_LOG_LEVEL]: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: FUNCTION_BUNDLE.target,
        minify: FUNCTION_BUNDLE.minify,
        sourceMap: FUNCTION_BUNDLE.sourcemap,
        sourcesContent: FUNCTION_BUNDLE.sourcesContent,
        externalModules: [...FUNCTION_BUNDLE.external],
        tsconfig: BUNDLE_TSCONFIG,
      },
    };
    super(scope, id, functionProps);
    this.serviceName = props.serviceName;
    // The esbuild command NodejsFunction runs for the bundling above, as build options (a test compares the outputs).
    this.localBuild = {
      options: {
        entryPoints: [entry],
        absWorkingDir: PROJECT_ROOT,
        tsconfig: BUNDLE_TSCONFIG,
        ...FUNCTION_BUNDLE,
        external: [...FUNCTION_BUNDLE.external],
      },
      outfile: 'index.js',
    };
  }
}
