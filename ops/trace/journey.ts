import type { DeadLetterView } from '../dlq/dead-letter-view';

/** One step of an order's journey, from the functions' logs, the table or the DLQ. */
export interface JourneyStep {
  readonly at: Date;
  readonly step: 'accepted' | 'received' | 'stored' | 'dead-lettered' | 'in the DLQ' | 'redriven';
  readonly detail: string;
}

export interface Journey {
  readonly orderId: string;
  readonly steps: readonly JourneyStep[];
  /** Where the order is now: STORED, IN THE DLQ, ACCEPTED (on its way), or UNKNOWN. */
  readonly status: 'STORED' | 'IN THE DLQ' | 'ACCEPTED' | 'UNKNOWN';
}

/** A Powertools JSON log line, as far as the journey reads it. */
interface LogRecord {
  readonly timestamp?: string;
  readonly message?: string;
  readonly service?: string;
  readonly function_request_id?: string;
  readonly orderId?: string;
  readonly orderIds?: readonly string[];
  readonly correlationId?: string;
  readonly messageId?: string;
  readonly orders?: readonly {
    readonly orderId?: string;
    readonly messageId?: string;
    readonly correlationId?: string;
    /** Absent on the first delivery. */
    readonly receiveCount?: number;
    readonly outcome?: string;
    readonly reason?: string;
    readonly redrivenFrom?: string;
  }[];
}

const parse = (line: string): LogRecord | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LogRecord;
  } catch {
    return undefined;
  }
};

const OUTCOMES: Record<string, string> = {
  written: 'stored by this delivery',
  alreadyStored: 'already stored: a duplicate delivery, settled without a write',
  notStored: 'not stored; SQS delivers it again after the visibility timeout',
  deadLettered: 'not an order message: sent to the DLQ at once',
};

/** The steps the functions logged for one order (lines of any function, in any order). */
export const stepsFromLogs = (orderId: string, lines: Iterable<string>): JourneyStep[] => {
  const steps: JourneyStep[] = [];
  for (const line of lines) {
    if (!line.includes(orderId)) continue;
    const record = parse(line);
    if (!record?.timestamp) continue;
    const at = new Date(record.timestamp);
    const invocation = record.function_request_id ? `, invocation ${record.function_request_id}` : '';
    if (record.message === 'order accepted' && record.orderId === orderId) {
      steps.push({ at, step: 'accepted', detail: `POST /orders, correlation id ${record.correlationId ?? '-'}${invocation}` });
    } else if (record.message === 'batch processed' && record.orderIds?.includes(orderId)) {
      steps.push({ at, step: 'accepted', detail: `POST /orders/batch, correlation id ${record.correlationId ?? '-'}${invocation}` });
    } else if (record.message === 'batch processed' && record.orders) {
      for (const entry of record.orders.filter((candidate) => candidate.orderId === orderId)) {
        if (entry.redrivenFrom)
          steps.push({ at, step: 'redriven', detail: `back on the order queue from DLQ message ${entry.redrivenFrom}` });
        const outcome = OUTCOMES[entry.outcome ?? ''] ?? entry.outcome ?? 'outcome not logged';
        steps.push({
          at,
          step: entry.outcome === 'deadLettered' ? 'dead-lettered' : 'received',
          detail:
            `message ${entry.messageId}, delivery ${entry.receiveCount ?? 1}${invocation}: ${outcome}` +
            `${entry.reason ? ` (${entry.reason})` : ''}${entry.correlationId ? `, correlation id ${entry.correlationId}` : ''}`,
        });
      }
    }
  }
  return steps;
};

/** Puts the steps in time order and says where the order is now. */
export const buildJourney = (
  orderId: string,
  found: { logSteps: readonly JourneyStep[]; stored?: { acceptedAt: string }; deadLetters: readonly DeadLetterView[] },
): Journey => {
  const steps = [...found.logSteps];
  for (const letter of found.deadLetters) {
    steps.push({
      at: letter.firstSentAt,
      step: 'in the DLQ',
      detail: `DLQ message ${letter.messageId} (order queue message ${letter.sourceMessageId}): ${letter.reason}${letter.errorMessage ? `, ${letter.errorMessage}` : ''}; redrive with npm run dlq -- redrive`,
    });
  }
  const status: Journey['status'] = found.stored
    ? 'STORED'
    : found.deadLetters.length > 0
      ? 'IN THE DLQ'
      : steps.some((step) => step.step === 'accepted' || step.step === 'received')
        ? 'ACCEPTED'
        : 'UNKNOWN';
  if (found.stored && !steps.some((step) => step.detail.includes('stored by this delivery'))) {
    // Logs rotated or out of the query window: the table still says it is stored.
    steps.push({
      at: new Date(found.stored.acceptedAt),
      step: 'stored',
      detail: 'in the orders table (the delivery that wrote it is not in the logs read)',
    });
  }
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { orderId, steps, status };
};

const STATUS_LINES: Record<Journey['status'], string> = {
  STORED: 'stored in the orders table',
  'IN THE DLQ': 'in the dead-letter queue: see the reason above, fix it, then npm run dlq -- redrive',
  ACCEPTED: 'accepted, not stored yet: it is queued or being retried (run the trace again in a few seconds)',
  UNKNOWN: '',
};

export const formatJourney = (journey: Journey, where: string, searched: string): string => {
  if (journey.status === 'UNKNOWN') {
    return (
      `No trace of order ${journey.orderId} on ${where}: it is not in the orders table or the DLQ, and ${searched} never mention it.\n` +
      'Check the id (orderIds are case-sensitive), the stage (--stage), or whether it was accepted longer ago than the logs reach.'
    );
  }
  const width = Math.max(...journey.steps.map((step) => step.step.length));
  const lines = journey.steps.map((step) => `  ${step.at.toISOString()}  ${step.step.padEnd(width)}  ${step.detail}`);
  return [`order ${journey.orderId} on ${where}`, ...lines, `now: ${journey.status}, ${STATUS_LINES[journey.status]}`].join('\n');
};
