// Apart from order-message.ts so that the SQS entry of the layer, which sends messages, does not load the schema
// library that parsing them needs.
import type { OrderMessage } from './order-message';

/**
 * JSON with every character above U+FFFF written as the \\uXXXX escapes of its surrogate pair: the same JSON
 * value, in characters every SQS implementation takes (the local emulator refuses those above U+FFFD).
 */
export const serializeOrderMessage = (message: OrderMessage): string =>
  JSON.stringify(message).replace(
    /[\u{10000}-\u{10FFFF}]/gu,
    (pair) => `${unicodeEscape(pair.charCodeAt(0))}${unicodeEscape(pair.charCodeAt(1))}`,
  );

const unicodeEscape = (codeUnit: number): string => `\\u${codeUnit.toString(16).padStart(4, '0')}`;
