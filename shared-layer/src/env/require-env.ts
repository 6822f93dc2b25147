import { MissingEnvironmentError } from '../errors';

/** Reads a required variable once, at module scope; a missing one fails the cold start loudly. */
export const requireEnv = (variable: string): string => {
  const value = process.env[variable];
  if (value === undefined || value.trim() === '') {
    throw new MissingEnvironmentError(variable);
  }
  return value;
};
