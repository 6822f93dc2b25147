import type { CfnResource, CfnTemplate } from './cloud-assembly';
import { type NodeBinary, availableNodeBinaries, nodeBinaryFor } from './lambda/node-runtimes';

/**
 * Something of a template the local runtime does not run as AWS would. `named`: it runs, differently, and a line at
 * start says how. `refused`: the start stops, unless differences are accepted (`acceptable`); some cannot run at all.
 */
export interface TemplateDifference {
  readonly type: string;
  readonly logicalId: string;
  readonly verdict: 'named' | 'refused';
  /** Whether accepting differences runs it anyway (as `reason` says). */
  readonly acceptable: boolean;
  readonly reason: string;
}

export class TemplateNotSupportedError extends Error {
  override readonly name = 'TemplateNotSupportedError';
}

type Props = NonNullable<CfnResource['Properties']>;

const isFifo = (props: Props | undefined): boolean => props?.FifoQueue === true || props?.FifoQueue === 'true';

/**
 * FIFO queues run as FIFO (sqs-fifo.mjs): groups, order, deduplication. What the emulator does not do is a
 * deduplication scope per message group (high-throughput FIFO): ids are deduplicated across the whole queue.
 */
export const queueDifference = (props: Props): string | undefined =>
  isFifo(props) && props.DeduplicationScope === 'messageGroup'
    ? 'DeduplicationScope messageGroup: the SQS emulator deduplicates across the whole queue, so a message whose ' +
      'deduplication id another message group used within 5 minutes is dropped locally and delivered on AWS'
    : undefined;

export const tableStreamDifference = (props: Props): string | undefined =>
  props.StreamSpecification
    ? `StreamSpecification (${props.StreamSpecification.StreamViewType}) is not run: the DynamoDB emulator (dynalite) has no ` +
      'DynamoDB Streams API, so no stream records exist; the table itself runs.'
    : undefined;

const eventSourceService = (arn: unknown): string | undefined => {
  const reference = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (reference?.[1] === 'StreamArn') return 'a DynamoDB stream';
  if (typeof arn === 'string') return arn.split(':')[2];
  return undefined;
};

export const eventSourceMappingDifference = (props: Props, template: CfnTemplate): string | undefined => {
  const reference = props.EventSourceArn?.['Fn::GetAtt'];
  const source = reference ? template.Resources[reference[0]] : undefined;
  if (source?.Type === 'AWS::SQS::Queue' && reference?.[1] === 'Arn') {
    if (!isFifo(source.Properties)) return undefined;
    // Lambda refuses these for a FIFO queue: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (checked 2026-12-07).
    if (Number(props.BatchSize ?? 10) > 10)
      return `BatchSize ${props.BatchSize} on a FIFO queue: Lambda allows at most 10 (a deploy fails)`;
    if (Number(props.MaximumBatchingWindowInSeconds ?? 0) > 0) {
      return 'MaximumBatchingWindowInSeconds on a FIFO queue: Lambda does not support a batching window there (a deploy fails)';
    }
    return undefined;
  }
  const what = eventSourceService(props.EventSourceArn) ?? JSON.stringify(props.EventSourceArn);
  return `its event source is ${what}: the local runtime polls SQS queues of the stack only, so this function is never invoked by it`;
};

/** Every difference of the template, in template order, one per resource at most. */
export const templateDifferences = (
  template: CfnTemplate,
  binaries: readonly NodeBinary[] = availableNodeBinaries(),
): TemplateDifference[] => {
  const differences: TemplateDifference[] = [];
  const add = (type: string, logicalId: string, verdict: 'named' | 'refused', reason: string | undefined, acceptable = true) => {
    if (reason) differences.push({ type, logicalId, verdict, acceptable, reason });
  };
  for (const [logicalId, { Type, Properties = {} }] of Object.entries(template.Resources)) {
    switch (Type) {
      case 'AWS::SQS::Queue':
        add(Type, logicalId, 'refused', queueDifference(Properties));
        break;
      case 'AWS::DynamoDB::Table':
        add(Type, logicalId, 'named', tableStreamDifference(Properties));
        break;
      case 'AWS::Lambda::EventSourceMapping':
        add(Type, logicalId, 'refused', eventSourceMappingDifference(Properties, template), false);
        break;
      case 'AWS::Lambda::Function': {
        const choice = nodeBinaryFor(Properties.Runtime, binaries);
        if ('refused' in choice) add(Type, logicalId, 'refused', choice.refused, false);
        else add(Type, logicalId, 'refused', choice.difference);
        break;
      }
    }
  }
  return differences;
};

export const describeDifference = ({ type, logicalId, verdict, acceptable, reason }: TemplateDifference): string =>
  `${type} ${logicalId}: ${verdict === 'named' ? 'runs with a difference' : acceptable ? 'differs' : 'cannot run'}: ${reason}`;

/**
 * Logs every difference and stops the start on a refused one, unless differences are accepted and it can run at all;
 * returns the lines logged.
 * 28a's start-up inventory is to take these lines over; until then they are printed here, once per start.
 */
export const checkTemplateDifferences = (
  template: CfnTemplate,
  acceptDifferences: boolean,
  log: (line: string) => void,
  binaries?: readonly NodeBinary[],
): string[] => {
  const differences = templateDifferences(template, binaries);
  const lines = differences.map(describeDifference);
  for (const line of lines) log(line);
  const blocking = differences.filter(({ verdict, acceptable }) => verdict === 'refused' && !(acceptable && acceptDifferences));
  if (blocking.length === 0) return lines;
  const canAccept = blocking.every(({ acceptable }) => acceptable);
  throw new TemplateNotSupportedError(
    `The local runtime cannot run this template as AWS would:\n${blocking.map((difference) => `  - ${describeDifference(difference)}`).join('\n')}\n` +
      (canAccept
        ? 'Change the template, or start with differences accepted (LocalRuntimeOptions.acceptDifferences) to run it as described.'
        : 'Change the template: what "cannot run" names has no local equivalent.'),
  );
};
