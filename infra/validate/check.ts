/**
 * One check of `npm run validate` on one stage's synthesized template. Each check lives in its own
 * module under infra/validate/ and returns one of these; the CLI prints one line per stage and check.
 */
export interface CheckContext {
  readonly stage: string;
  /** The synthesized template, as `cdk synth` writes it (the cloud assembly's `<stack>.template.json`). */
  readonly templateFile: string;
  readonly template: Readonly<Record<string, unknown>>;
  /** The cloud assembly directory the template is in (assets next to it). */
  readonly assemblyDir: string;
  readonly stackName: string;
  /** Progress for long work; the CLI prefixes it with the stage and check. */
  readonly log: (line: string) => void;
}

export type CheckOutcome =
  | { readonly status: 'pass'; readonly detail: string }
  | { readonly status: 'fail'; readonly detail: string }
  /** The tool it needs is missing here: the reason says which and how to get it. Never a silent pass. */
  | { readonly status: 'skip'; readonly detail: string };

export interface Check {
  /** Short name printed in the line, e.g. "cfn-lint". */
  readonly name: string;
  run(context: CheckContext): Promise<CheckOutcome>;
}
