import type { OrderRequest } from '../../shared-layer/src/tooling';
import type { CostBreakdown } from './cost-model';
import type { FixedMonthlyCost } from './observability-cost';
import type { LogBytesByKind } from './log-line-kinds';
import type { FunctionPhases } from './memory-model';
import type { LatencySummary } from './percentiles';
import type { RequestAuth } from './request-auth';
import type { StoredOrderItem, Verification } from './pipeline-checks';

/** What a run found once the pipeline had settled. */
export interface Settlement {
  /** The queue drained (locally: and the consumer went quiet) before the time limit. */
  readonly drained: boolean;
  readonly stored: StoredOrderItem[];
  readonly verification: Verification;
  /** Visible messages in the DLQ before the run and after it settled. */
  readonly deadLetterMessages: { readonly before: number; readonly after: number };
}

/** Figures only the local runtime can count: AWS offers no per-run counters for them. */
export interface LocalMeasurements {
  /** SQS took the message → the consumer batch holding it succeeded. */
  readonly acceptedToStoredMs: LatencySummary;
  readonly consumerInvocations: number;
  readonly requestCounts: Readonly<Record<string, number>>;
  /** logBytesPerOrder: the bytes the pipeline's log-ingestion cost pays for, per order, by line kind. */
  readonly costPerMillion: { readonly pipeline: CostBreakdown; readonly naive: CostBreakdown; readonly logBytesPerOrder: LogBytesByKind };
  /** The stage's dashboard, alarms and metrics a month at list prices: paid whatever the traffic, so apart from the above. */
  readonly observabilityPerMonth: FixedMonthlyCost;
}

/** A pipeline a load run can drive: the local runtime or a deployed stage. */
export interface LoadTarget {
  /** "local" or the stage name. */
  readonly label: string;
  /** Base URL: POST <apiUrl>/orders. */
  readonly apiUrl: string;
  /** Local only: the live dashboard of the pipeline under load, printed while the run goes. */
  readonly dashboardUrl?: string;
  /** Local only: the outputs file of the pipeline under load (npm run consumer -- pause --local --outputs <file>). */
  readonly outputsFile?: string;
  /** Requests per second to send at when the run names none (a stage's throttling limit). */
  readonly defaultRate?: number;
  /** How requests are authorized now (credentials renew during a run: the run asks again). */
  requestAuth(): RequestAuth;
  /** Waits for the pipeline to settle, then compares its table with what the API accepted. */
  settle(
    runId: string,
    sent: ReadonlyMap<string, OrderRequest>,
    accepted: ReadonlyMap<string, OrderRequest>,
    log: (line: string) => void,
    /** Aborted: stop waiting and return what was found so far. */
    signal?: AbortSignal,
  ): Promise<Settlement>;
  /** Local only: the CPU and wall time of every invocation and INIT so far, by function logical id (the memory sweep's input). */
  invocationPhases?(): Readonly<Record<string, FunctionPhases>>;
  /** Local only. */
  measure?(acceptedOrders: number, stored: readonly StoredOrderItem[]): LocalMeasurements;
  stop(): Promise<void>;
}
