import { type LocalResource, resolveIntrinsics } from '../../../local-runtime/intrinsics';

const resources = new Map<string, LocalResource>([
  ['Queue', { ref: 'http://127.0.0.1:4566/000000000000/q', attributes: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q' } }],
  ['Table', { ref: 'stack-Table', attributes: { Arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/stack-Table' } }],
]);

describe('resolveIntrinsics', () => {
  it('resolves Ref, Fn::GetAtt, Fn::Join and pseudo parameters inside nested values', () => {
    const value = {
      QUEUE_URL: { Ref: 'Queue' },
      policy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, maxReceiveCount: 3 },
      joined: { 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'Table' }]] },
    };
    expect(resolveIntrinsics(value, resources)).toEqual({
      QUEUE_URL: 'http://127.0.0.1:4566/000000000000/q',
      policy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:q', maxReceiveCount: 3 },
      joined: 'us-east-1/stack-Table',
    });
  });

  it('resolves Fn::Sub with resource attributes and explicit variables', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax, not a template literal.
    expect(resolveIntrinsics({ 'Fn::Sub': '${Table.Arn}/index/*' }, resources)).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/stack-Table/index/*',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax, not a template literal.
    expect(resolveIntrinsics({ 'Fn::Sub': ['${AWS::AccountId}-${X}', { X: { Ref: 'Table' } }] }, resources)).toBe(
      '000000000000-stack-Table',
    );
  });

  it('names what it cannot resolve instead of guessing', () => {
    expect(() => resolveIntrinsics({ Ref: 'Missing' }, resources)).toThrow(/Ref to Missing/);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Queue', 'QueueName'] }, resources)).toThrow(/Queue.QueueName/);
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'x' }, resources)).toThrow(/Fn::ImportValue/);
  });
});
