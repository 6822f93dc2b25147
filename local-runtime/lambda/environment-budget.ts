import { availableParallelism } from 'node:os';

/**
 * The machine-wide limits every local function shares, in the role of the account's concurrency
 * limit: how many execution environments may exist at once, and how many may be in INIT at once
 * (an INIT is CPU-bound, so more than the cores only makes every cold start slower).
 */
/** A function as the budget sees it. */
export interface BudgetMember {
  readonly environmentCount: number;
  /** Invocations waiting that no environment, running or starting, will take. */
  readonly unservedInvocations: number;
  /** Ends one idle environment, if it has one; true if it did. */
  evictIdle(): boolean;
  /** Tries again to start environments for what waits. */
  dispatch(): void;
}

export class EnvironmentBudget {
  private environments = 0;
  /** Functions that have invocations waiting and were refused a new environment. */
  private readonly wanting = new Set<BudgetMember>();
  private readonly members = new Set<BudgetMember>();
  private initializing = 0;
  private readonly initWaiters: (() => void)[] = [];

  constructor(
    readonly maxEnvironments = defaultMaxEnvironments(),
    readonly maxConcurrentInits = availableParallelism(),
  ) {
    if (!(Number.isInteger(maxEnvironments) && maxEnvironments >= 1)) {
      throw new Error(`maxEnvironments must be a whole number of at least 1 (got ${maxEnvironments})`);
    }
  }

  get inUse(): number {
    return this.environments;
  }

  join(member: BudgetMember): void {
    this.members.add(member);
  }

  leave(member: BudgetMember): void {
    this.members.delete(member);
    this.wanting.delete(member);
  }

  /**
   * Each function's fair share of the limit. A function may borrow slots others leave unused; when
   * one below its share needs a slot back, a borrower gives one up (an idle one at once, a busy one
   * when its invocation ends), so no function starves and none churns through cold starts.
   */
  private get share(): number {
    return Math.max(1, Math.floor(this.maxEnvironments / Math.max(1, this.members.size)));
  }

  /** Takes one environment slot if the limit allows it; if not, `requester.dispatch` is called when one frees up. */
  tryAcquire(requester: BudgetMember): boolean {
    if (this.environments < this.maxEnvironments) {
      this.environments += 1;
      this.wanting.delete(requester);
      return true;
    }
    if (!this.wanting.has(requester)) {
      this.wanting.add(requester);
      if (requester.environmentCount < this.share) {
        for (const member of this.members) if (member.environmentCount > this.share && member.evictIdle()) break;
      }
    }
    return false;
  }

  release(): void {
    this.environments = Math.max(0, this.environments - 1);
    // Fewest environments first, so that a function below its share gets the slot.
    const waiting = [...this.wanting].sort((a, b) => a.environmentCount - b.environmentCount);
    for (const member of waiting) member.dispatch();
  }

  /**
   * True if `member` should end an environment that just finished instead of reusing it: it holds
   * more than its share while another function, below its share, waits for a slot.
   */
  shouldYield(member: BudgetMember): boolean {
    if (this.environments < this.maxEnvironments || member.environmentCount <= this.share) return false;
    for (const other of this.wanting) {
      if (other.unservedInvocations === 0) this.wanting.delete(other);
      else if (other !== member && other.environmentCount < this.share) return true;
    }
    return false;
  }

  /** Resolves when an INIT may start; call the returned function when it has ended. */
  async initSlot(): Promise<() => void> {
    while (this.initializing >= this.maxConcurrentInits) {
      await new Promise<void>((resolve) => this.initWaiters.push(resolve));
    }
    this.initializing += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.initializing -= 1;
      this.initWaiters.shift()?.();
    };
  }
}

/** Four environments per core (at least 8): enough to overlap I/O waits, few enough to stay warm. */
export const defaultMaxEnvironments = (): number => Math.max(8, 4 * availableParallelism());
