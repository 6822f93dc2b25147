import { toPointer } from '@orders-pipeline/shared';

/**
 * JSON pointers of every object member whose name repeats an earlier one in the same object.
 * JSON.parse keeps the last of them silently, so a client that sent two `quantity` fields would see
 * a different order stored than it meant; the API refuses such bodies instead. `text` must already
 * be valid JSON (JSON.parse succeeded on it): the scan only tracks strings and nesting.
 */
export const duplicateKeyPointers = (text: string): string[] => {
  type Frame =
    | { readonly kind: 'object'; readonly keys: Set<string>; expectingKey: boolean; key?: string }
    | { readonly kind: 'array'; index: number };
  const stack: Frame[] = [];
  const duplicates: string[] = [];
  const pointerOf = (frames: readonly Frame[]) =>
    toPointer(frames.map((frame) => (frame.kind === 'object' ? (frame.key ?? '') : frame.index)));

  for (let position = 0; position < text.length; position += 1) {
    const character = text[position];
    const top = stack[stack.length - 1];
    if (character === '"') {
      const end = endOfString(text, position);
      if (top?.kind === 'object' && top.expectingKey) {
        const key = JSON.parse(text.slice(position, end + 1)) as string;
        top.key = key;
        top.expectingKey = false;
        if (top.keys.has(key)) duplicates.push(pointerOf(stack));
        top.keys.add(key);
      }
      position = end;
    } else if (character === '{') {
      stack.push({ kind: 'object', keys: new Set(), expectingKey: true });
    } else if (character === '[') {
      stack.push({ kind: 'array', index: 0 });
    } else if (character === '}' || character === ']') {
      stack.pop();
    } else if (character === ',' && top) {
      if (top.kind === 'object') top.expectingKey = true;
      else top.index += 1;
    }
  }
  return duplicates;
};

/** Index of the quote that closes the string opening at `start`. */
const endOfString = (text: string, start: number): number => {
  for (let position = start + 1; position < text.length; position += 1) {
    if (text[position] === '\\') position += 1;
    else if (text[position] === '"') return position;
  }
  return text.length - 1;
};
