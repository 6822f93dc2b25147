import type { ApiRequestRecord } from './http-api';
import type { InvocationRecord } from './lambda/local-function';
import type { BatchSummary } from './sqs-event-source';

/**
 * What a running runtime tells its listeners (the CLI, the dashboard, tests). A module of its own so that the dashboard
 * listens without importing the runtime that starts it.
 */
export interface RuntimeEvents {
  batch: [BatchSummary];
  invocation: [InvocationRecord];
  request: [ApiRequestRecord];
  fatal: [Error];
}
