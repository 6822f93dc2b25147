import { type BudgetMember, EnvironmentBudget } from '../../../local-runtime/lambda/environment-budget';

/** A function as the budget sees it, with counts the test sets. */
class FakeMember implements BudgetMember {
  environmentCount = 0;
  unservedInvocations = 0;
  idle = 0;
  dispatched = 0;
  evicted = 0;

  evictIdle(): boolean {
    if (this.idle === 0) return false;
    this.idle -= 1;
    this.evicted += 1;
    return true;
  }

  dispatch(): void {
    this.dispatched += 1;
  }
}

const fill = (budget: EnvironmentBudget, member: FakeMember, count: number) => {
  for (let i = 0; i < count; i += 1) {
    expect(budget.tryAcquire(member)).toBe(true);
    member.environmentCount += 1;
  }
};

/** A budget shared by an API and a consumer function, as the local runtime has them. */
const twoFunctions = (limit: number) => {
  const budget = new EnvironmentBudget(limit, 1);
  const api = new FakeMember();
  const consumer = new FakeMember();
  budget.join(api);
  budget.join(consumer);
  return { budget, api, consumer };
};

describe('EnvironmentBudget', () => {
  it('grants slots up to the machine-wide limit and refuses the next one', () => {
    const budget = new EnvironmentBudget(3, 1);
    const api = new FakeMember();
    budget.join(api);

    fill(budget, api, 3);

    expect(budget.tryAcquire(api)).toBe(false);
    expect(budget.inUse).toBe(3);
  });

  it('ends an idle environment of a function above its share when one below its share is refused', () => {
    const { budget, api, consumer } = twoFunctions(4);
    fill(budget, api, 4);
    api.idle = 1;

    expect(budget.tryAcquire(consumer)).toBe(false);

    expect(api.evicted).toBe(1);
  });

  it('does not take environments from a function within its share', () => {
    const { budget, api, consumer } = twoFunctions(4);
    fill(budget, api, 2);
    fill(budget, consumer, 2);
    api.idle = 2;
    consumer.unservedInvocations = 1;

    expect(budget.tryAcquire(consumer)).toBe(false);

    expect(api.evicted).toBe(0);
    expect(budget.shouldYield(api)).toBe(false);
  });

  it('asks a busy borrower to give up an environment while a starved function waits, and wakes the starved one on release', () => {
    const { budget, api, consumer } = twoFunctions(4);
    fill(budget, api, 4);
    consumer.unservedInvocations = 1;
    budget.tryAcquire(consumer);

    expect(budget.shouldYield(api)).toBe(true);
    budget.release();
    api.environmentCount -= 1;

    expect(consumer.dispatched).toBe(1);
    expect(budget.tryAcquire(consumer)).toBe(true);
  });

  it('forgets a waiting function once nothing of it waits', () => {
    const { budget, api, consumer } = twoFunctions(2);
    fill(budget, api, 2);
    consumer.unservedInvocations = 1;
    budget.tryAcquire(consumer);
    consumer.unservedInvocations = 0;

    expect(budget.shouldYield(api)).toBe(false);
  });

  it('lets no more INITs run at once than it allows', async () => {
    const budget = new EnvironmentBudget(8, 2);
    const first = await budget.initSlot();
    await budget.initSlot();
    let thirdStarted = false;
    const third = budget.initSlot().then((release) => {
      thirdStarted = true;
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdStarted).toBe(false);

    first();
    (await third)();

    expect(thirdStarted).toBe(true);
  });

  it('rejects a limit that is not a whole number of at least 1', () => {
    expect(() => new EnvironmentBudget(0)).toThrow(/at least 1/);
  });
});
