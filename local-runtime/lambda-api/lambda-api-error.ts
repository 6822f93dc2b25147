/**
 * An error the local Lambda API answers the way Lambda does: the HTTP status, the error code in `X-Amzn-ErrorType`
 * (what the SDKs and the AWS CLI read) and a JSON body with `Type` and the message.
 */
export class LambdaApiError extends Error {
  override readonly name = 'LambdaApiError';
  constructor(
    /** Lambda's error code, e.g. ResourceNotFoundException. */
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }

  static notFound(message: string): LambdaApiError {
    return new LambdaApiError('ResourceNotFoundException', 404, message);
  }

  static invalidParameter(message: string): LambdaApiError {
    return new LambdaApiError('InvalidParameterValueException', 400, message);
  }

  static inUse(message: string): LambdaApiError {
    return new LambdaApiError('ResourceInUseException', 400, message);
  }
}
