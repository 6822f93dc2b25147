/**
 * The local runtime's public entry: what load/, ops/ and the tests use. `startPipeline` is the
 * harness (a fresh pipeline on free ports with SDK clients on its emulators); `startLocalRuntime` is
 * the runtime itself, as `npm start` runs it. The rest is for the benchmarks that measure the runtime.
 */
export type { LocalPipeline, PipelineOptions } from './pipeline';
export { startPipeline, startPipelineIn } from './pipeline';
export type { LocalRuntime, RuntimeUsage } from './local-runtime';
export type { LocalRuntimeOptions, RuntimePorts } from './options';
export type { RuntimeEvents } from './runtime-events';
export { startLocalRuntime } from './local-runtime';
export { RUNTIME_PORTS, StartOptionsError, validateRuntimeOptions } from './options';
export { CdkAppError } from './cdk-app';
export { BANNER_API_LINE } from './start-banner';
export type { Handling, InventoryLine } from './inventory';
export { DifferencesRefusedError } from './inventory';
export type { BatchSummary } from './sqs-event-source';
export type { FaultConfig } from './faults/fault-config';
export { FAULT_INJECTION_ENV, NO_FAULTS, readFaultConfig } from './faults/fault-config';
export { FAULT_COUNTS } from './faults/dynamodb-wire-faults';
export type { Random } from './seeded-random';
export { derivedRandom, newSeed, seededRandom } from './seeded-random';
export type { EphemeralDir } from './ephemeral-dir';
export { createEphemeralDir } from './ephemeral-dir';
export { itemBytes, requestUnitsOf } from './dynamodb-capacity';
// For the benchmarks of the runtime's own overhead.
export { LocalFunction } from './lambda/local-function';
export { EnvironmentBudget } from './lambda/environment-budget';
export type { CfnTemplate, StageAssembly } from './cloud-assembly';
export { readStageAssembly, resourcesOfType, synthesizeStack, synthesizeStage } from './cloud-assembly';
// The local account's credentials and region: what clients of the emulators and signed requests use.
export { LOCAL_CREDENTIALS, LOCAL_REGION } from './intrinsics';
export type { SigningCredentials } from './sigv4-verifier';
export { NodeSha256 } from './sigv4-verifier';
export type { DashboardSnapshot } from './dashboard/dashboard-snapshot';
