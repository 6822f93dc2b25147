import {
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpsError } from '../cli-kit';
import { queueArnOf } from '../pipeline-target';
import type { ConsumerTarget } from './consumer-target';

/** A mapping in one of these states is still changing: Lambda refuses another update until it settles. */
export const TRANSITIONAL_STATES = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

/**
 * The event source mapping that feeds the consumer from the order queue, found the same way locally and on AWS:
 * ListEventSourceMappings by the queue's ARN (whatever the mapping invokes: the function or its alias).
 */
export const findConsumerMapping = async (target: ConsumerTarget): Promise<EventSourceMappingConfiguration> => {
  const queueArn = await queueArnOf(target.pipeline.sqs, target.pipeline.queueUrl);
  const { EventSourceMappings = [] } = await target.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }));
  if (EventSourceMappings.length === 0) {
    throw new OpsError(
      `No event source mapping reads ${queueArn} in ${target.pipeline.label}: the stack is not the one this tool knows. ` +
        'Redeploy it (or restart npm start) with this version of orders-pipeline.',
    );
  }
  if (EventSourceMappings.length > 1) {
    const listed = EventSourceMappings.map((mapping) => `${mapping.UUID} → ${mapping.FunctionArn}`).join(', ');
    throw new OpsError(
      `${EventSourceMappings.length} mappings read ${queueArn} (${listed}); this tool expects one. Remove the extra ones.`,
    );
  }
  return EventSourceMappings[0];
};

export const updateMapping = async (
  target: ConsumerTarget,
  uuid: string,
  changes: Omit<UpdateEventSourceMappingRequest, 'UUID'>,
): Promise<EventSourceMappingConfiguration> => target.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...changes }));

/**
 * Polls GetEventSourceMapping until the mapping has left its transitional state (Disabling → Disabled, ...);
 * resolves with the last configuration read, settled or not when `timeoutMs` ran out.
 */
export const waitUntilSettled = async (
  target: ConsumerTarget,
  uuid: string,
  options: { readonly timeoutMs: number; readonly intervalMs: number; readonly onState?: (state: string, waitedMs: number) => void },
): Promise<EventSourceMappingConfiguration> => {
  const started = Date.now();
  for (;;) {
    const mapping = await target.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    const state = mapping.State ?? 'unknown';
    if (!TRANSITIONAL_STATES.has(state) || Date.now() - started >= options.timeoutMs) return mapping;
    options.onState?.(state, Date.now() - started);
    await sleep(options.intervalMs);
  }
};
