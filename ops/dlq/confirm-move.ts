import { ProductionConfirmation, confirmInProduction } from '../cli-kit/confirm-in-production';

export interface MoveConfirmation extends ProductionConfirmation {
  readonly dryRun: boolean;
}

/** A redrive in production asks first (a dry run moves nothing, so it never asks). */
export const confirmMove = async (what: string, options: MoveConfirmation): Promise<boolean> =>
  options.dryRun || confirmInProduction('redrive', `Move ${what} from the DLQ back to the order queue in ${options.label}?`, options);
