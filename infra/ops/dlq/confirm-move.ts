import { OpsError } from '../ops-error';

export interface MoveConfirmation {
  readonly production: boolean;
  readonly label: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** Whether there is a terminal to ask on. */
  readonly interactive: boolean;
  /** Asks the operator to type `expected`; resolves whether they did. */
  readonly ask: (question: string, expected: string) => Promise<boolean>;
}

/**
 * Moving messages in production needs an explicit yes: --yes, or the stage name typed at a prompt.
 * Without a terminal (CI, cron, pipes) and without --yes it refuses rather than guess.
 */
export const confirmMove = async (what: string, options: MoveConfirmation): Promise<boolean> => {
  if (!options.production || options.dryRun || options.yes) return true;
  if (!options.interactive) {
    throw new OpsError(`Refusing to redrive ${options.label} without confirmation: there is no terminal to ask. Re-run with --yes.`);
  }
  return options.ask(`Move ${what} from the DLQ back to the order queue in ${options.label}? Type "${options.label}" to go on: `, options.label);
};
