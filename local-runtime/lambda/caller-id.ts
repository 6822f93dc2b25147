/**
 * How an execution environment names itself to the counting proxies: its SDK clients send the name
 * as their app id (AWS_SDK_UA_APP_ID) in the user agent, so an injected crash can find its caller.
 * Powertools appends its own tags to the app id (`/PT/NO-OP/<version>/PTEnv/<AWS_EXECUTION_ENV>`, 44
 * characters today) and the SDK warns on every client when the whole exceeds 50 characters, so the
 * name is at most 5: `~` (which no word starts with, and which the SDK keeps as is) and the environment's
 * number in base 36, counted per runtime process (numbers repeat after 1.6 million environments, long after
 * the first ones have stopped).
 */
const ID_SPACE = 36 ** 4;

export const callerIdFor = (environmentNumber: number): string => `~${(environmentNumber % ID_SPACE).toString(36)}`;

export const callerIdInUserAgent = (userAgent: string): string | undefined => /\bapp\/(~[0-9a-z]{1,4})(?![0-9a-z])/.exec(userAgent)?.[1];
