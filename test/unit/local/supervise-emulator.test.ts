import { EventEmitter } from 'node:events';
import { type SupervisedEmulator, superviseEmulator } from '../../../local-runtime/emulators/supervise-emulator';

class FakeEmulator extends EventEmitter<{ crash: [string] }> implements SupervisedEmulator {
  readonly name = 'SQS (fauxqs)';
  readonly port = 4566;
  readonly dataDir = 'data/sqs';
  restarts = 0;

  constructor(private readonly restartWorks = true) {
    super();
  }

  async restart(): Promise<void> {
    this.restarts += 1;
    if (!this.restartWorks) throw new Error('port 4566 is taken');
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('superviseEmulator', () => {
  it('restarts an emulator that exits on its port and data, and says so', async () => {
    const emulator = new FakeEmulator();
    const lines: string[] = [];
    const fatal = jest.fn();
    superviseEmulator(emulator, (line) => lines.push(line), fatal);

    emulator.emit('crash', 'killed by SIGKILL');
    await settle();

    expect(emulator.restarts).toBe(1);
    expect(lines).toEqual([
      'SQS (fauxqs) exited unexpectedly (killed by SIGKILL): restarting it on port 4566, data kept (data/sqs)',
      'SQS (fauxqs) is back on port 4566',
    ]);
    expect(fatal).not.toHaveBeenCalled();
  });

  it('gives up with a fatal error on the fourth exit within a minute', async () => {
    const emulator = new FakeEmulator();
    const fatal = jest.fn();
    superviseEmulator(emulator, () => undefined, fatal);

    for (let exit = 0; exit < 4; exit += 1) {
      emulator.emit('crash', 'exit code 1');
      await settle();
    }

    expect(emulator.restarts).toBe(3);
    expect(fatal).toHaveBeenCalledWith(new Error('SQS (fauxqs) keeps exiting (exit code 1); see its log in the logs folder'));
  });

  it('reports a fatal error when the restart fails', async () => {
    const emulator = new FakeEmulator(false);
    const fatal = jest.fn();
    superviseEmulator(emulator, () => undefined, fatal);

    emulator.emit('crash', 'killed by SIGKILL');
    await settle();

    expect(fatal).toHaveBeenCalledWith(new Error('SQS (fauxqs) exited (killed by SIGKILL) and could not be restarted: port 4566 is taken'));
  });
});
