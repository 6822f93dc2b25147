import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalRuntime } from '../../local-runtime';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const actualNode = process.versions.node;

/** process.versions.node is configurable: the runtime reads it at start. */
const pretendNode = (version: string) =>
  Object.defineProperty(process.versions, 'node', { value: version, writable: false, enumerable: true, configurable: true });

describe('startLocalRuntime on another Node', () => {
  let dataDir: string;
  let taken: Server;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'orders-node-version-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    pretendNode(actualNode);
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  // A taken API port: a runtime that gets past the Node check stops at the port check, before any process starts.
  const start = () =>
    startLocalRuntime({
      stage: 'dev',
      dataDir,
      ports: { http: (taken.address() as AddressInfo).port, https: 0, dynamodb: 0, sqs: 0 },
    }).catch((error: unknown) => error as Error);

  it.each(['20.19.0', '22.4.1'])(
    'refuses Node %s (fauxqs needs node:sqlite), naming that version, the minimum and the npm scripts',
    async (version) => {
      pretendNode(version);

      const { message } = (await start()) as Error;

      expect(message).toContain(`this is Node ${version}`);
      expect(message).toContain('Node 22.5 or newer');
      expect(message).toContain('npm scripts');
    },
  );

  it.each(['22.5.0', '24.0.0'])('lets Node %s through to the next start-up check', async (version) => {
    pretendNode(version);

    const error = await start();

    expect(error).toMatchObject({ name: 'PortInUseError' });
  });
});

describe('the npm scripts toolchain', () => {
  it('runs on the Node major that package.json pins (devDependency node, first on the scripts PATH), not the machine one', () => {
    const pinned: string = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).devDependencies.node;

    expect(process.versions.node.split('.')[0]).toBe(pinned.split('.')[0]);
  });
});
