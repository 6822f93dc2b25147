import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * Powertools' standard keys, less the ones no reader of our logs uses (docs/operations.md, "What each log line
 * carries"). CloudWatch bills every byte ingested, and on the API these keys repeat on every request's line.
 *
 * Kept: `level` (Lambda's log-level filter and the failures query), `message`, `timestamp` and `function_request_id`
 * (npm run trace and the lifecycle query), `service` (the lifecycle query's column; the load's line kinds).
 * `cold_start` only when true: operators filter on `"cold_start":true`; a false one says nothing the absence does not.
 * Dropped: `function_arn`, `function_name`, `function_memory_size` (the log group names the function; the REPORT line
 * has the memory), `sampling_rate` (we do not sample debug logs), `xray_trace_id` (no reader: X-Ray finds its traces
 * by itself, and the platform lines carry the trace id where they are kept), `tenant_id` (we do not use tenancy).
 */
export class LeanLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        ...(context?.coldStart ? { cold_start: true } : {}),
        function_request_id: context?.awsRequestId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
