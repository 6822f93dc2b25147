/** An error an operator can act on: the message says what went wrong and what to run instead. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
}
