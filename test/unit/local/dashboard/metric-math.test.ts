import { UnsupportedExpressionError, evaluateExpression, idsIn, parseExpression } from '../../../../local-runtime/dashboard/metric-math';

describe('metric math (local subset)', () => {
  const rate = parseExpression('IF(requests >= 20, 100 * FILL(serverErrors, 0) / requests, 0)');

  it("evaluates the API's 5xx-rate expression per period, FILL standing in for a missing datapoint", () => {
    expect(idsIn(rate).sort()).toEqual(['requests', 'requests', 'serverErrors']);
    expect(evaluateExpression(rate, { requests: 40, serverErrors: 4 })).toBe(10);
    expect(evaluateExpression(rate, { requests: 40, serverErrors: undefined })).toBe(0);
    expect(evaluateExpression(rate, { requests: 10, serverErrors: 10 })).toBe(0);
  });

  it('has no datapoint when an input it needs has none, or for a division by zero', () => {
    expect(evaluateExpression(rate, { requests: undefined, serverErrors: 3 })).toBeUndefined();
    expect(evaluateExpression(parseExpression('a / b'), { a: 1, b: 0 })).toBeUndefined();
  });

  it('keeps precedence: * before +, comparisons before AND/OR, NOT and unary minus', () => {
    expect(evaluateExpression(parseExpression('1 + 2 * 3'), {})).toBe(7);
    expect(evaluateExpression(parseExpression('(1 + 2) * 3'), {})).toBe(9);
    expect(evaluateExpression(parseExpression('a > 1 AND b < 1 OR NOT c'), { a: 2, b: 0, c: 1 })).toBe(1);
    expect(evaluateExpression(parseExpression('-a + 5'), { a: 2 })).toBe(3);
  });

  it.each(['SUM(METRICS())', 'FILL(m1, REPEAT)', 'RATE(m1)', 'm1 +'])('refuses %s with what it cannot read', (expression) => {
    expect(() => parseExpression(expression)).toThrow(UnsupportedExpressionError);
    expect(() => parseExpression(expression)).toThrow(/is not evaluated locally: .+ \(the local runtime knows/);
  });
});
