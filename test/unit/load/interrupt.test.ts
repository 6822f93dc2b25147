import { onInterrupt, RunInterrupted, throwIfInterrupted } from '../../../load/lib/interrupt';

describe('onInterrupt', () => {
  const warnings: string[] = [];
  let exit: jest.SpyInstance;
  beforeEach(() => {
    warnings.length = 0;
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });
  afterEach(() => exit.mockRestore());

  it('aborts the run on the first SIGINT and exits 130 at once on the second', () => {
    const interrupt = onInterrupt((line) => warnings.push(line));
    try {
      expect(interrupt.exitCode()).toBeUndefined();
      process.emit('SIGINT');
      expect(interrupt.signal.aborted).toBe(true);
      expect(interrupt.exitCode()).toBe(130);
      expect(exit).not.toHaveBeenCalled();
      expect(warnings.join('')).toMatch(/SIGINT again quits at once/);
      process.emit('SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      interrupt.dispose();
    }
  });

  it('reports 143 after SIGTERM and leaves the signals alone once disposed', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const interrupt = onInterrupt((line) => warnings.push(line));
    process.emit('SIGTERM');
    interrupt.dispose();
    expect(interrupt.exitCode()).toBe(143);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});

describe('throwIfInterrupted', () => {
  it('throws RunInterrupted with the partial results once the signal is aborted, and nothing before', () => {
    const controller = new AbortController();
    expect(() => throwIfInterrupted(controller.signal, () => ({ sent: 1 }))).not.toThrow();
    controller.abort();
    let thrown: unknown;
    try {
      throwIfInterrupted(controller.signal, () => ({ sent: 2 }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RunInterrupted);
    expect((thrown as RunInterrupted<{ sent: number }>).partial).toEqual({ sent: 2 });
  });
});
