// Types of sqs-message-identity.js (plain CommonJS: the SQS emulator's process loads it without a build step).

/** fauxqs's receipt handle (a UUID) as an AWS-looking one; anything else is returned as it is. */
export declare const encodeReceiptHandle: (handle: string) => string;
/** The fauxqs handle inside one of ours; a handle that is not ours is returned as it is. */
export declare const decodeReceiptHandle: (handle: string) => string;
/** The SenderId SQS would record for messages sent with this access key id: AIDA and 17 base32 characters. */
export declare const senderIdFor: (accessKeyId: string) => string;
/** The access key id of a SigV4 Authorization header, or '' without one. */
export declare const accessKeyIdOf: (authorization: string | undefined) => string;
