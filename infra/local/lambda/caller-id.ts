/**
 * How an execution environment names itself to the counting proxies: its SDK clients send the name
 * as their app id (AWS_SDK_UA_APP_ID) in the user agent, so an injected crash can find its caller.
 * Other libraries append to the app id (Powertools adds its own tags), so the name has a fixed shape.
 */
export const callerIdFor = (runtimePid: number, environmentNumber: number): string => `local-env-${runtimePid}-${environmentNumber}`;

export const callerIdInUserAgent = (userAgent: string): string | undefined => /\bapp\/(local-env-\d+-\d+)/.exec(userAgent)?.[1];
