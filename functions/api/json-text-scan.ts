import { toPointer } from '@orders-pipeline/shared/orders';
import { MAX_REPORTED_ERRORS } from './error-budget';

/** Findings of one kind: the first MAX_REPORTED_ERRORS pointers, and how many there were in all. */
export interface Findings {
  readonly pointers: readonly string[];
  readonly count: number;
}

export interface JsonTextScan {
  /** Members whose name repeats an earlier one in the same object (JSON.parse keeps the last silently). */
  readonly duplicateKeys: Findings;
  /**
   * Numbers JSON.parse reads as an integer that their text is not (1999.00000000000000000001 reads as 1999,
   * 9007199254740993 as 9007199254740992). Other inexact numbers (0.1) read as non-integers, which every numeric field
   * of the contract refuses by itself, with a clearer message.
   */
  readonly inexactNumbers: Findings;
}

type Frame =
  | {
      readonly kind: 'object';
      readonly keys: Set<string>;
      /** Keys already named as repeated here: a key repeated 5,000 times is named once and counted 5,000 times. */
      readonly named: Set<string>;
      expectingKey: boolean;
      key?: string;
    }
  | { readonly kind: 'array'; index: number };

class FindingList {
  readonly pointers: string[] = [];
  count = 0;

  /** Builds the pointer (O(depth)) only for the first few, so a body of many findings stays linear to scan. */
  add(stack: readonly Frame[], name = true): void {
    this.count += 1;
    if (name && this.pointers.length < MAX_REPORTED_ERRORS) {
      this.pointers.push(toPointer(stack.map((frame) => (frame.kind === 'object' ? (frame.key ?? '') : frame.index))));
    }
  }
}

const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * One linear pass over JSON text that JSON.parse has already accepted: repeated member names and numbers that do
 * not survive parsing exactly, each named by JSON pointer. The scan tracks only strings, nesting and number tokens.
 */
export const scanJsonText = (text: string): JsonTextScan => {
  const stack: Frame[] = [];
  const duplicateKeys = new FindingList();
  const inexactNumbers = new FindingList();

  for (let position = 0; position < text.length; position += 1) {
    const character = text[position];
    const top = stack[stack.length - 1];
    if (character === '"') {
      const end = endOfString(text, position);
      if (top?.kind === 'object' && top.expectingKey) {
        const key = JSON.parse(text.slice(position, end + 1)) as string;
        top.key = key;
        top.expectingKey = false;
        if (top.keys.has(key)) {
          duplicateKeys.add(stack, !top.named.has(key));
          top.named.add(key);
        }
        top.keys.add(key);
      }
      position = end;
    } else if (character === '-' || (character >= '0' && character <= '9')) {
      NUMBER_TOKEN.lastIndex = position;
      const token = NUMBER_TOKEN.exec(text)?.[0] ?? character;
      if (Number.isInteger(Number(token)) && !isExactNumber(token)) inexactNumbers.add(stack);
      position += token.length - 1;
    } else if (character === '{') {
      stack.push({ kind: 'object', keys: new Set(), named: new Set(), expectingKey: true });
    } else if (character === '[') {
      stack.push({ kind: 'array', index: 0 });
    } else if (character === '}' || character === ']') {
      stack.pop();
    } else if (character === ',' && top) {
      if (top.kind === 'object') top.expectingKey = true;
      else top.index += 1;
    }
  }
  return { duplicateKeys, inexactNumbers };
};

/** Index of the quote that closes the string opening at `start`. */
const endOfString = (text: string, start: number): number => {
  for (let position = start + 1; position < text.length; position += 1) {
    if (text[position] === '\\') position += 1;
    else if (text[position] === '"') return position;
  }
  return text.length - 1;
};

// A finite non-zero double has at most 767 significant decimal digits; a number text with more is never exact.
const MAX_EXACT_SIGNIFICANT_DIGITS = 767;

/**
 * True if the JSON number text denotes exactly the double that JSON.parse reads from it ("1.50" and "1e3" are
 * exact; "0.1", "9007199254740993" and "1999.00000000000000000001" are not). Cost is linear in the token: the
 * exact comparison only runs on at most 767 digits within the double range.
 */
export const isExactNumber = (token: string): boolean => {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  const match = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!match) return false;
  const [, whole, fraction = '', exponentText = '0'] = match;
  const allDigits = `${whole}${fraction}`.replace(/^0+/, '');
  const digits = allDigits.replace(/0+$/, '');
  if (digits === '') return value === 0;
  if (value === 0 || digits.length > MAX_EXACT_SIGNIFICANT_DIGITS) return false;
  // The text's value is digits × 10^decimalExponent; the double's is mantissa × 2^binaryExponent.
  const decimalExponent = Number(exponentText) - fraction.length + (allDigits.length - digits.length);
  const { mantissa, binaryExponent } = binaryParts(Math.abs(value));
  const ten = 10n;
  const two = 2n;
  const textSide = BigInt(digits) * ten ** BigInt(Math.max(decimalExponent, 0)) * two ** BigInt(Math.max(-binaryExponent, 0));
  const doubleSide = mantissa * ten ** BigInt(Math.max(-decimalExponent, 0)) * two ** BigInt(Math.max(binaryExponent, 0));
  return textSide === doubleSide;
};

/** A positive finite double as mantissa × 2^binaryExponent, from its IEEE 754 bits. */
const binaryParts = (value: number): { mantissa: bigint; binaryExponent: number } => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  return biasedExponent === 0
    ? { mantissa: fractionBits, binaryExponent: -1074 }
    : { mantissa: fractionBits | (1n << 52n), binaryExponent: biasedExponent - 1075 };
};
