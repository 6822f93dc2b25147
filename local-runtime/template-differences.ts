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

/**
 * fauxqs 2.4.1 holds FIFO queues (groups, ordering within a group, a group locked while a message of it is in flight,
 * deduplication by id and by content, sequence numbers) but not faithfully enough for Lambda's FIFO semantics to be
 * tested on it; each gap below was read in its source (dist/sqs/sqsStore.js) and is why FIFO is refused.
 */
export const FIFO_GAPS = [
  'ReceiveMessage returns at most one message per message group (SQS returns as many of a group as it can, in order), ' +
    'so a batch never holds two records of one group and the hold-back of a failed record cannot happen',
  'deduplication ids are kept in memory only, at most 10,000 at a time: after an emulator restart, or past 10,000 ids ' +
    'within 5 minutes, a duplicate inside the 5-minute window is accepted',
] as const;

export const queueDifference = (props: Props): string | undefined =>
  props.FifoQueue === true || props.FifoQueue === 'true'
    ? `FIFO queue: the SQS emulator cannot carry FIFO faithfully (${FIFO_GAPS.join('; ')}). ` +
      'Accepting differences creates it as a FIFO queue on the emulator with these gaps; it is never made a standard queue.'
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
  if (source?.Type === 'AWS::SQS::Queue' && reference?.[1] === 'Arn') return undefined;
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
 * Logs every difference and stops the start on a refused one, unless differences are accepted and it can run at all.
 * 28a's start-up inventory is to take these lines over; until then they are printed here, once per start.
 */
export const checkTemplateDifferences = (
  template: CfnTemplate,
  acceptDifferences: boolean,
  log: (line: string) => void,
  binaries?: readonly NodeBinary[],
): void => {
  const differences = templateDifferences(template, binaries);
  for (const difference of differences) log(describeDifference(difference));
  const blocking = differences.filter(({ verdict, acceptable }) => verdict === 'refused' && !(acceptable && acceptDifferences));
  if (blocking.length === 0) return;
  const canAccept = blocking.every(({ acceptable }) => acceptable);
  throw new TemplateNotSupportedError(
    `The local runtime cannot run this template as AWS would:\n${blocking.map((difference) => `  - ${describeDifference(difference)}`).join('\n')}\n` +
      (canAccept
        ? 'Change the template, or start with differences accepted (LocalRuntimeOptions.acceptDifferences) to run it as described.'
        : 'Change the template: what "cannot run" names has no local equivalent.'),
  );
};
