import { OpsError } from './ops-error';

export interface ProductionConfirmation {
  readonly production: boolean;
  /** The stage name: what the operator must type. */
  readonly label: string;
  readonly yes: boolean;
  /** Whether there is a terminal to ask on. */
  readonly interactive: boolean;
  /** Asks the operator to type `expected`; resolves whether they did. */
  readonly ask: (question: string, expected: string) => Promise<boolean>;
}

/**
 * Anything that changes production needs an explicit yes: --yes, or the stage name typed at a prompt.
 * Without a terminal (CI, cron, pipes) and without --yes it refuses rather than guess.
 */
export const confirmInProduction = async (action: string, question: string, options: ProductionConfirmation): Promise<boolean> => {
  if (!options.production || options.yes) return true;
  if (!options.interactive) {
    throw new OpsError(`Refusing to ${action} ${options.label} without confirmation: there is no terminal to ask. Re-run with --yes.`);
  }
  return options.ask(`${question} Type "${options.label}" to go on: `, options.label);
};
