import { InvalidEnvironmentError, MissingEnvironmentError } from '../errors';

/** Reads a required variable once, at module scope; a missing one fails the cold start loudly. */
export const requireEnv = (variable: string): string => {
  const value = process.env[variable];
  if (value === undefined || value.trim() === '') {
    throw new MissingEnvironmentError(variable);
  }
  return value;
};

/** A required variable that must hold a positive number of seconds (or other unit); anything else fails the cold start. */
export const requirePositiveNumberEnv = (variable: string): number => {
  const raw = requireEnv(variable);
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidEnvironmentError(
      `Environment variable ${variable} must be a positive number; got ${JSON.stringify(raw)}. The CDK stack sets it; redeploy the stage.`,
    );
  }
  return value;
};
