/**
 * The part of CloudWatch metric math that alarms on one datapoint per period need: numbers, metric ids, + - * /,
 * comparisons (< <= > >= == !=), AND, OR, NOT, IF(condition, then[, else]) and FILL(id, number). Anything else
 * (METRICS(), FILL(m, REPEAT), RATE, …) is refused with its reason rather than half-evaluated.
 */
export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
}

type Operator = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'AND' | 'OR';

export type Expression =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'negate' | 'not'; readonly operand: Expression }
  | { readonly kind: 'binary'; readonly operator: Operator; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'fill'; readonly operand: Expression; readonly value: number }
  | { readonly kind: 'if'; readonly condition: Expression; readonly then: Expression; readonly otherwise?: Expression };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/()<>,]))/y;

const tokenize = (expression: string, unsupported: (why: string) => Error): string[] => {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (!/^\s*$/.test(expression.slice(TOKEN.lastIndex))) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw unsupported(`cannot read it from "${expression.slice(at).trim()}"`);
    tokens.push(match[1] ?? match[2] ?? match[3]);
  }
  return tokens;
};

/** Parses an expression; throws UnsupportedExpressionError, saying what, for anything outside the subset above. */
export const parseExpression = (expression: string): Expression => {
  const unsupported = (why: string) =>
    new UnsupportedExpressionError(
      `metric math "${expression}" is not evaluated locally: ${why} (the local runtime knows + - * /, comparisons, AND/OR/NOT, IF and FILL(id, number))`,
    );
  const tokens = tokenize(expression, unsupported);
  let position = 0;
  const peek = () => tokens[position];
  const expect = (token: string) => {
    if (tokens[position] !== token) throw unsupported(`expected "${token}" at "${tokens.slice(position).join(' ') || 'the end'}"`);
    position += 1;
  };

  const binaryLevel = (operators: readonly Operator[], next: () => Expression) => (): Expression => {
    let left = next();
    while (operators.includes(peek() as Operator)) {
      const operator = tokens[position++] as Operator;
      left = { kind: 'binary', operator, left, right: next() };
    }
    return left;
  };

  const call = (name: string): Expression => {
    expect('(');
    if (name === 'FILL') {
      const operand = or();
      expect(',');
      const value = tokens[position++];
      if (!/^\d/.test(value ?? '')) throw unsupported(`FILL with ${value ?? 'nothing'} instead of a number`);
      expect(')');
      return { kind: 'fill', operand, value: Number(value) };
    }
    if (name === 'IF') {
      const condition = or();
      expect(',');
      const then = or();
      let otherwise: Expression | undefined;
      if (peek() === ',') {
        position += 1;
        otherwise = or();
      }
      expect(')');
      return { kind: 'if', condition, then, otherwise };
    }
    throw unsupported(`the function ${name}`);
  };

  const primary = (): Expression => {
    const token = tokens[position++];
    if (token === undefined) throw unsupported('it ends too early');
    if (token === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) return peek() === '(' ? call(token) : { kind: 'id', id: token };
    throw unsupported(`unexpected "${token}"`);
  };
  const unary = (): Expression => {
    if (peek() === '-') {
      position += 1;
      return { kind: 'negate', operand: unary() };
    }
    if (peek() === 'NOT') {
      position += 1;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const product = binaryLevel(['*', '/'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const comparison = binaryLevel(['<', '<=', '>', '>=', '==', '!='], sum);
  const and = binaryLevel(['AND'], comparison);
  const or: () => Expression = binaryLevel(['OR'], and);

  const tree = or();
  if (position !== tokens.length) throw unsupported(`unexpected "${tokens[position]}"`);
  return tree;
};

/** The metric ids an expression reads. */
export const idsIn = (node: Expression): string[] => {
  switch (node.kind) {
    case 'number':
      return [];
    case 'id':
      return [node.id];
    case 'negate':
    case 'not':
    case 'fill':
      return idsIn(node.operand);
    case 'binary':
      return [...idsIn(node.left), ...idsIn(node.right)];
    case 'if':
      return [...idsIn(node.condition), ...idsIn(node.then), ...(node.otherwise ? idsIn(node.otherwise) : [])];
  }
};

const truth = (value: boolean): number => (value ? 1 : 0);

const apply = (operator: Operator, left: number, right: number): number | undefined => {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      // CloudWatch drops a datapoint divided by zero.
      return right === 0 ? undefined : left / right;
    case '<':
      return truth(left < right);
    case '<=':
      return truth(left <= right);
    case '>':
      return truth(left > right);
    case '>=':
      return truth(left >= right);
    case '==':
      return truth(left === right);
    case '!=':
      return truth(left !== right);
    case 'AND':
      return truth(left !== 0 && right !== 0);
    case 'OR':
      return truth(left !== 0 || right !== 0);
  }
};

/** The expression's value for one period; undefined (no datapoint) when an input it needs has none. */
export const evaluateExpression = (node: Expression, values: Readonly<Record<string, number | undefined>>): number | undefined => {
  const evaluate = (inner: Expression) => evaluateExpression(inner, values);
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return values[node.id];
    case 'negate': {
      const operand = evaluate(node.operand);
      return operand === undefined ? undefined : -operand;
    }
    case 'not': {
      const operand = evaluate(node.operand);
      return operand === undefined ? undefined : truth(operand === 0);
    }
    case 'fill':
      return evaluate(node.operand) ?? node.value;
    case 'if': {
      const condition = evaluate(node.condition);
      if (condition === undefined) return undefined;
      if (condition !== 0) return evaluate(node.then);
      return node.otherwise ? evaluate(node.otherwise) : undefined;
    }
    case 'binary': {
      const left = evaluate(node.left);
      const right = evaluate(node.right);
      return left === undefined || right === undefined ? undefined : apply(node.operator, left, right);
    }
  }
};
