/**
 * What each function publishes through Powertools Metrics (EMF lines in its log), by its service name: the
 * dashboard graphs these and the cost report prices them (each name with its `service` dimension is one custom
 * metric). `test/unit/emf-metrics.test.ts` compares this list with the `addMetric` calls in functions/, so a metric
 * added there and not here fails a test instead of going missing from the dashboard and the bill.
 */
export interface EmfMetric {
  readonly name: string;
  /** How the dashboard aggregates it: counts add up, an age is read at its worst. */
  readonly statistic: 'Sum' | 'Maximum';
}

const count = (name: string): EmfMetric => ({ name, statistic: 'Sum' });

/** Powertools' captureColdStartMetric(): one per cold start, dimension `service` only (no function name is set). */
export const COLD_START_METRIC = count('ColdStart');

export const EMF_METRICS: Readonly<Record<string, readonly EmfMetric[]>> = {
  'orders-api': [
    count('ordersAccepted'),
    count('ordersRejected'),
    count('batchesRejected'),
    count('enqueueFailures'),
    count('requestsReplayed'),
    COLD_START_METRIC,
  ],
  'orders-consumer': [
    count('ordersStored'),
    count('duplicatesSkipped'),
    count('sentToDlq'),
    count('recordsFailed'),
    count('recordsHeldBack'),
    count('unprocessedRetries'),
    count('batchGetCalls'),
    count('batchWriteCalls'),
    { name: 'oldestRecordAgeMs', statistic: 'Maximum' },
    COLD_START_METRIC,
  ],
};

/** Custom metrics the functions publish: one per name and service, which is how CloudWatch bills them. */
export const customMetricCount = (metrics: Readonly<Record<string, readonly EmfMetric[]>> = EMF_METRICS): number =>
  Object.values(metrics).reduce((sum, names) => sum + names.length, 0);
