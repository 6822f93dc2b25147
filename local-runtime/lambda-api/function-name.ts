import { LambdaApiError } from './lambda-api-error';

/** A function as a Lambda API call names it: its name and, when the call names one, a version or alias. */
export interface FunctionReference {
  readonly name: string;
  readonly qualifier?: string;
}

// Lambda accepts a name, a partial ARN (account:function:name) or a full ARN, each optionally with :qualifier.
const FULL_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const PARTIAL_ARN = /^\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const NAME = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;

/**
 * Reads a FunctionName parameter (and a Qualifier parameter, when the call has one). Whether the caller names the
 * function, its ARN or an alias ARN (`...:function:Name:live`), the name is what a function or a mapping is matched by.
 */
export const parseFunctionName = (functionName: string, qualifier?: string): FunctionReference => {
  const match = FULL_ARN.exec(functionName) ?? PARTIAL_ARN.exec(functionName) ?? NAME.exec(functionName);
  if (!match) {
    throw LambdaApiError.invalidParameter(
      `FunctionName "${functionName}" is not a function name, a partial ARN (<account>:function:<name>) or a function ARN.`,
    );
  }
  const [, name, fromName] = match;
  if (fromName !== undefined && qualifier !== undefined && fromName !== qualifier) {
    throw LambdaApiError.invalidParameter(
      `The derived qualifier from the function name (${fromName}) does not match the specified qualifier (${qualifier}): give one of them.`,
    );
  }
  return { name, qualifier: qualifier ?? fromName };
};

/** The function name inside a function ARN (qualified or not). */
export const functionNameOfArn = (arn: string): string => parseFunctionName(arn).name;
