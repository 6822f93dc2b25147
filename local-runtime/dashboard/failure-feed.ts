/** One failure an operator would want to read about, with its reason. */
export interface Failure {
  /** Epoch ms. */
  readonly at: number;
  /** Where it happened: a function, the HTTP API, a queue. */
  readonly where: string;
  readonly what: string;
  readonly reason: string;
  readonly orderId?: string;
  readonly messageId?: string;
}

const KEPT = 50;

/** The latest failures, newest first. */
export class FailureFeed {
  private entries: Failure[] = [];

  add(failure: Failure): void {
    this.entries.push(failure);
    this.entries.sort((a, b) => b.at - a.at);
    if (this.entries.length > KEPT) this.entries.length = KEPT;
  }

  latest(): readonly Failure[] {
    return this.entries;
  }
}
