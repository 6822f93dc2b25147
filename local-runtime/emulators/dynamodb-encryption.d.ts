/** Types of dynamodb-encryption.js (plain JS: the dynalite process runs it without a TypeScript loader). */

export interface SseSpecification {
  readonly Enabled?: boolean;
  readonly SSEType?: string;
  readonly KMSMasterKeyId?: string;
}

export interface SseDescription {
  readonly Status: 'ENABLED';
  readonly SSEType: 'KMS';
  readonly KMSMasterKeyArn: string;
}

export interface KeyLocation {
  readonly account: string;
  readonly region: string;
}

export declare const MANAGED_KEY_ALIAS: string;

export declare const kmsKeyArn: (keyId: string, location: KeyLocation) => string;

export declare const encryptionDescription: (
  specification: SseSpecification | undefined,
  location: KeyLocation,
) => { description: SseDescription | undefined; error?: undefined } | { description?: undefined; error: string };
