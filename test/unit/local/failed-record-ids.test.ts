import { failedRecordIds } from '../../../local-runtime/sqs-event-source';

const ids = ['m-1', 'm-2', 'm-3'];

describe('failedRecordIds (Lambda ReportBatchItemFailures rules)', () => {
  it.each([
    ['a null response', null],
    ['an undefined response', undefined],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('treats %s as every record succeeded', (_case, response) => {
    expect(failedRecordIds(response, ids)).toEqual({ failed: new Set() });
  });

  it('fails exactly the listed records', () => {
    expect(failedRecordIds({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, ids)).toEqual({ failed: new Set(['m-2']) });
  });

  it.each([
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'm-9' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing id', { batchItemFailures: [{}] }],
    ['a non-string id', { batchItemFailures: [{ itemIdentifier: 2 }] }],
    ['a list that is not a list', { batchItemFailures: 'm-1' }],
    ['a response that is not an object', 'ok'],
  ])('fails the whole batch for %s', (_case, response) => {
    const verdict = failedRecordIds(response, ids);
    expect(verdict.failed).toEqual(new Set(ids));
    expect(verdict.malformed).toEqual(expect.any(String));
  });
});
