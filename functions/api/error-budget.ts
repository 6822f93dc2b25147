import type { FieldError } from '@orders-pipeline/shared/orders';

/**
 * The amplification budget (docs/api.md): an answer names at most MAX_REPORTED_ERRORS field errors (and says how many
 * there were), each with a pointer and detail of bounded length, so no body can buy an answer or a log line much
 * larger than a constant.
 */
export const MAX_REPORTED_ERRORS = 20;
export const MAX_POINTER_CHARS = 256;
export const MAX_DETAIL_CHARS = 240;

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A pointer over the limit becomes the pointer of its deepest ancestor that fits (still a valid pointer into the
 * body), and the detail says the fault is further inside it.
 */
const boundError = ({ pointer, detail }: FieldError): FieldError => {
  if (pointer.length <= MAX_POINTER_CHARS) return { pointer, detail: truncate(detail, MAX_DETAIL_CHARS) };
  const ancestor = pointer.slice(0, pointer.lastIndexOf('/', MAX_POINTER_CHARS));
  return { pointer: ancestor, detail: truncate(`inside this member, nested deeper: ${detail}`, MAX_DETAIL_CHARS) };
};

export interface BoundedErrors {
  readonly errors: readonly FieldError[];
  /** How many errors there were in all; more than errors.length when some were left out. */
  readonly errorCount: number;
}

/** The first MAX_REPORTED_ERRORS of `errors`, bounded; `total` counts errors found but never built (see scanJsonText). */
export const boundErrors = (errors: readonly FieldError[], total: number = errors.length): BoundedErrors => ({
  errors: errors.slice(0, MAX_REPORTED_ERRORS).map(boundError),
  errorCount: Math.max(total, errors.length),
});
