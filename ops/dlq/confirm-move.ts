import { type ProductionConfirmation, confirmInProduction } from '../cli-kit/confirm-in-production';
import { OpsError } from '../cli-kit/ops-error';

export interface MoveConfirmation extends ProductionConfirmation {
  readonly dryRun: boolean;
}

/** A redrive in production asks first (a dry run moves nothing, so it never asks). */
export const confirmMove = async (what: string, options: MoveConfirmation): Promise<boolean> =>
  options.dryRun || confirmInProduction('redrive', `Move ${what} from the DLQ back to the order queue in ${options.label}?`, options);

export interface NonRetryableConfirmation {
  /** Messages that would move and failed for a reason no retry fixes, by reason. */
  readonly byReason: Readonly<Record<string, number>>;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly interactive: boolean;
  readonly ask: (question: string, expected: string) => Promise<boolean>;
}

const total = (byReason: Readonly<Record<string, number>>): number => Object.values(byReason).reduce((sum, count) => sum + count, 0);

/** What an operator should know before moving messages the consumer dead-lettered itself; undefined when there are none. */
export const nonRetryableWarning = (byReason: Readonly<Record<string, number>>, retryableReason: string): string | undefined => {
  const count = total(byReason);
  if (count === 0) return undefined;
  const reasons = Object.entries(byReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return (
    `Warning: ${count} of these message(s) failed for a reason no redrive can fix (${reasons}): the consumer will ` +
    `dead-letter them again. Fix or delete them instead; redrive only the others with --filter ${retryableReason}.`
  );
};

/**
 * Moving messages the consumer dead-lettered itself needs --yes or a typed "yes" (a dry run moves
 * nothing, so it never asks). Without a terminal and without --yes it refuses rather than guess.
 */
export const confirmNonRetryable = async (options: NonRetryableConfirmation): Promise<boolean> => {
  const count = total(options.byReason);
  if (count === 0 || options.dryRun || options.yes) return true;
  if (!options.interactive) {
    throw new OpsError(
      `Refusing to move ${count} message(s) that no redrive can fix without confirmation: there is no terminal to ask. Re-run with --yes, or leave them out with --filter.`,
    );
  }
  return options.ask('Move them anyway? Type "yes" to go on: ', 'yes');
};
