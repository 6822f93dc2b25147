/**
 * A stage's CloudFormation stack name; it carries the stage so that dev, staging and prod can share one account. A module of its own, free of CDK imports, so that ops/ and the tooling name a
 * stage's stack without loading the stack's constructs.
 */
export const stackNameFor = (stageName: string): string => `OrdersPipeline-${stageName}`;
