import { BatchJournal } from '../../../functions/consumer/batch-journal';
import { sqsRecord } from '../../support/fixtures';

const withCorrelation = (messageId: string, correlationId: string, receiveCount = '1') => {
  const record = sqsRecord(messageId, '{}');
  record.messageAttributes = { correlationId: { dataType: 'String', stringValue: correlationId } };
  record.attributes.ApproximateReceiveCount = receiveCount;
  return record;
};

describe('BatchJournal', () => {
  it("names each record's order, correlation id and outcome, and its delivery count only on redelivery", () => {
    const journal = new BatchJournal();
    journal.note(withCorrelation('m-1', 'req-a'), 'ord-1', 'written');
    journal.note(withCorrelation('m-2', 'req-a', '3'), 'ord-2', 'alreadyStored');
    journal.note(withCorrelation('m-3', 'req-b'), 'ord-3', 'notStored', 'BatchWriteItem failed with ThrottlingException');
    journal.note(sqsRecord('m-4', 'not json'), undefined, 'deadLettered', 'the body is not JSON');

    expect(journal.entries).toEqual([
      { messageId: 'm-1', orderId: 'ord-1', correlationId: 'req-a', outcome: 'written' },
      { messageId: 'm-2', orderId: 'ord-2', correlationId: 'req-a', receiveCount: 3, outcome: 'alreadyStored' },
      {
        messageId: 'm-3',
        orderId: 'ord-3',
        correlationId: 'req-b',
        outcome: 'notStored',
        reason: 'BatchWriteItem failed with ThrottlingException',
      },
      { messageId: 'm-4', outcome: 'deadLettered', reason: 'the body is not JSON' },
    ]);
    expect(JSON.stringify(journal.entries[0])).not.toContain('receiveCount');
  });
});
