import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The text an operator replaces with an orderId before running "order-lifecycle". */
export const ORDER_ID_PLACEHOLDER = 'ORDER_ID';

export interface SavedQueriesProps {
  /** Logs Insights shows names with slashes as folders: one folder per stage. */
  readonly folder: string;
  /** Every function's log group: lifecycle, failures and cold starts search them all. */
  readonly functionLogGroups: readonly ILogGroup[];
  /** The consumer's log group alone: batches and dead letters are its lines. */
  readonly consumerLogGroup: ILogGroup;
}

// Lambda's own REPORT line: text format gives @duration/@initDuration, JSON format (ours) a platform.report record.
const REPORT_LINE = '@type = "REPORT" or type = "platform.report"';
const DURATION_MS = 'coalesce(@duration, record.metrics.durationMs)';
const INIT_DURATION_MS = 'coalesce(@initDuration, record.metrics.initDurationMs)';

const pascalCase = (kebab: string) =>
  kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * The Logs Insights queries an operator needs first, saved with the stack (AWS::Logs::QueryDefinition, free to keep;
 * running one costs what it scans). Field names are the functions' JSON log lines (Powertools Logger): `message`,
 * `orderId`, `messageId`, `correlationId`, `error.name` and `error.message`; the consumer's "batch processed" line
 * counts `records` and lists each record's order in an array, which only a text match finds.
 */
export class SavedQueries extends Construct {
  readonly definitions: readonly QueryDefinition[];

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const all = [...props.functionLogGroups];
    const consumer = [props.consumerLogGroup];
    const define = (name: string, logGroups: ILogGroup[], queryString: QueryString) =>
      new QueryDefinition(this, pascalCase(name), { queryDefinitionName: `${props.folder}/${name}`, logGroups, queryString });

    this.definitions = [
      // "order accepted" names the order in orderId; a batch names it inside orderIds (an array), hence the text match.
      define(
        'order-lifecycle',
        all,
        new QueryString({
          fields: [
            '@timestamp',
            'service',
            'level',
            'message',
            'orderId',
            'correlationId',
            'messageId',
            'error.name',
            'function_request_id',
          ],
          filterStatements: [`orderId = "${ORDER_ID_PLACEHOLDER}" or @message like "${ORDER_ID_PLACEHOLDER}"`],
          sort: '@timestamp asc',
          limit: 500,
        }),
      ),
      define(
        'failures-by-error',
        all,
        new QueryString({
          fields: [
            'coalesce(error.name, record.errorType, record.status) as errorName',
            'coalesce(error.message, record.errorMessage) as example',
          ],
          filterStatements: ['ispresent(error.name) or level = "ERROR" or record.status in ["failure", "error", "timeout"]'],
          statsStatements: ['count(*) as failures, latest(example) as lastMessage by @log, message, errorName'],
          sort: 'failures desc',
        }),
      ),
      define(
        'dlq-reasons',
        consumer,
        new QueryString({
          filterStatements: ['message = "record sent to the DLQ"'],
          statsStatements: [
            'count(*) as deadLettered, latest(error.message) as lastReason, latest(orderId) as lastOrderId, latest(messageId) as lastMessageId by error.name',
          ],
          sort: 'deadLettered desc',
        }),
      ),
      define(
        'cold-starts',
        all,
        new QueryString({
          fields: [`${INIT_DURATION_MS} as initMs`],
          filterStatements: [REPORT_LINE],
          statsStatements: [
            'count(*) as invocations, count(initMs) as coldStarts, avg(initMs) as avgInitMs, pct(initMs, 99) as p99InitMs, max(initMs) as maxInitMs by @log, bin(1h)',
          ],
        }),
      ),
      define(
        'batch-size-and-duration',
        consumer,
        new QueryString({
          fields: [`${DURATION_MS} as durationMs`],
          filterStatements: [`message = "batch processed" or ${REPORT_LINE}`],
          statsStatements: [
            'count(records) as batches, avg(records) as avgRecords, pct(records, 50) as p50Records, max(records) as maxRecords, ' +
              'pct(durationMs, 50) as p50DurationMs, pct(durationMs, 99) as p99DurationMs, max(durationMs) as maxDurationMs by bin(5m)',
          ],
        }),
      ),
    ];
  }
}
