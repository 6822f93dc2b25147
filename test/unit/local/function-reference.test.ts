import { invokedFunctionId } from '../../../local-runtime/function-reference';

/** A function with a version and a live alias, as CDK writes them (currentVersion, addAlias). */
const template = {
  Resources: {
    Consumer40CB859D: { Type: 'AWS::Lambda::Function', Properties: {} },
    ConsumerCurrentVersion363F7655: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Consumer40CB859D' } } },
    ConsumerAliaslive8EC5EEC6: {
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: 'Consumer40CB859D' },
        FunctionVersion: { 'Fn::GetAtt': ['ConsumerCurrentVersion363F7655', 'Version'] },
        Name: 'live',
      },
    },
    OrderQueue598C9801: { Type: 'AWS::SQS::Queue', Properties: {} },
  },
};

describe('invokedFunctionId', () => {
  it('names the function a Ref or Fn::GetAtt of the function itself points at', () => {
    expect(invokedFunctionId(template, { Ref: 'Consumer40CB859D' })).toBe('Consumer40CB859D');
    expect(invokedFunctionId(template, { 'Fn::GetAtt': ['Consumer40CB859D', 'Arn'] })).toBe('Consumer40CB859D');
  });

  it('follows a version or an alias to its function', () => {
    expect(invokedFunctionId(template, { Ref: 'ConsumerCurrentVersion363F7655' })).toBe('Consumer40CB859D');
    expect(invokedFunctionId(template, { Ref: 'ConsumerAliaslive8EC5EEC6' })).toBe('Consumer40CB859D');
  });

  it("reads the alias inside the name CDK gives an event source mapping (the name selected from the alias's ARN, then :live)", () => {
    const functionName = {
      'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: 'ConsumerAliaslive8EC5EEC6' }] }] }, ':live']],
    };
    expect(invokedFunctionId(template, functionName)).toBe('Consumer40CB859D');
  });

  it('names no function for a reference to something else, to nothing, or to two resources at once', () => {
    expect(invokedFunctionId(template, { Ref: 'OrderQueue598C9801' })).toBeUndefined();
    expect(invokedFunctionId(template, { Ref: 'Missing' })).toBeUndefined();
    expect(invokedFunctionId(template, 'arn:aws:lambda:us-east-1:000000000000:function:x')).toBeUndefined();
    expect(invokedFunctionId(template, { 'Fn::Join': ['', [{ Ref: 'Consumer40CB859D' }, { Ref: 'OrderQueue598C9801' }]] })).toBeUndefined();
  });
});
