/**
 * The one place Powertools is instantiated. Powertools lives only in the layer (see docs/design.md,
 * "Where Powertools lives"): functions import it from here, so there is one copy per process and
 * its internal `instanceof` checks hold. Service name and namespace come from the env variables
 * Powertools itself reads: POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { LeanLogFormatter } from './lean-log-formatter';

export const logger = new Logger({ logFormatter: new LeanLogFormatter() });
export const metrics = new Metrics();

export { MetricUnit } from '@aws-lambda-powertools/metrics';
