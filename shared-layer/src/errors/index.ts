/**
 * Errors cross the layer/bundle boundary, where `instanceof` can fail if a class is loaded twice:
 * callers compare `error.name`, which is why every class sets it explicitly.
 */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
  constructor(readonly variable: string) {
    super(
      `Environment variable ${variable} is not set. It is set by the CDK stack on deployed functions; ` +
        'locally, `npm start` sets it, and tests set it in test/support/env.ts.',
    );
  }
}

/** The queue did not accept a message; the API answers 503 so the client retries. */
export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A queue message that no retry can fix (bad JSON, schema violation, unknown version). */
export class InvalidOrderMessageError extends Error {
  override readonly name = 'InvalidOrderMessageError';
}

/** DynamoDB left the order unwritten when the invocation's time budget ran out; SQS will redeliver it. */
export class OrderNotWrittenError extends Error {
  override readonly name = 'OrderNotWrittenError';
  /**
   * DynamoDB may take it later (throttling, a 5xx, items it left unprocessed): the consumer holds the record back by
   * its receive count instead of letting it spend its receives. False for an error no wait can fix.
   */
  readonly retryable: boolean;
  constructor(
    readonly orderId: string,
    reason: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(`Order ${orderId} was not written: ${reason}`, { cause: options?.cause });
    this.retryable = options?.retryable ?? false;
  }
}

/** A variable the stack sets holds a value the function cannot use. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

export const isErrorNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;
