import * as path from 'node:path';
import { HelpShown, UsageError } from '../../../ops/cli-kit';
import { parseStartArgs } from '../../../local-runtime/cli';

const VARIABLES = [
  'ORDERS_LOCAL_STAGE',
  'ORDERS_LOCAL_API_PORT',
  'ORDERS_LOCAL_HTTPS_PORT',
  'ORDERS_LOCAL_DYNAMODB_PORT',
  'ORDERS_LOCAL_SQS_PORT',
  'ORDERS_LOCAL_DASHBOARD_PORT',
  'ORDERS_LOCAL_DATA_DIR',
  'ORDERS_LOCAL_MAX_ENVIRONMENTS',
  'ORDERS_LOCAL_DUPLICATE_RATE',
  'ORDERS_LOCAL_SEED',
  'ORDERS_FAULT_INJECTION',
];

describe('npm start arguments', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of VARIABLES) delete process.env[name];
  });
  afterAll(() => {
    process.env = saved;
  });

  it('keeps the defaults: dev on ports 3000, 3443, 8000 and 4566, the dashboard on 3001, data in .local, no faults', () => {
    expect(parseStartArgs([])).toEqual({
      runtime: {
        stage: 'dev',
        app: undefined,
        stack: undefined,
        appDir: undefined,
        acceptDifferences: false,
        dataDir: path.resolve('.local'),
        ports: { http: 3000, https: 3443, dynamodb: 8000, sqs: 4566, dashboard: 3001 },
        maxEnvironments: undefined,
        faults: undefined,
        duplicateDeliveryRate: 0,
        seed: undefined,
      },
      watch: false,
    });
  });

  it('takes --watch', () => {
    expect(parseStartArgs(['--watch'])).toMatchObject({ watch: true });
  });

  it('reads each option from its environment variable, the command line winning', () => {
    process.env.ORDERS_LOCAL_API_PORT = '4000';
    process.env.ORDERS_LOCAL_STAGE = 'staging';
    process.env.ORDERS_LOCAL_MAX_ENVIRONMENTS = '6';
    process.env.ORDERS_LOCAL_DUPLICATE_RATE = '0.1';
    process.env.ORDERS_LOCAL_SEED = '42';
    process.env.ORDERS_LOCAL_DASHBOARD_PORT = '0';

    expect(parseStartArgs(['--api-port', '5000'])).toMatchObject({
      runtime: { stage: 'staging', ports: { http: 5000, dashboard: 0 }, maxEnvironments: 6, duplicateDeliveryRate: 0.1, seed: 42 },
    });
  });

  it('refuses a bad port, stage or rate with exit-2 usage errors that name the source', () => {
    expect(() => parseStartArgs(['--sqs-port', '70000'])).toThrow(
      /'--sqs-port <port>' argument '70000' is invalid. Use a whole number from 0 to 65535./,
    );
    process.env.ORDERS_LOCAL_STAGE = 'qa';
    expect(() => parseStartArgs([])).toThrow(/value 'qa' from env 'ORDERS_LOCAL_STAGE' is invalid/);
    delete process.env.ORDERS_LOCAL_STAGE;
    process.env.ORDERS_LOCAL_DUPLICATE_RATE = '2';
    expect(() => parseStartArgs([])).toThrow(
      new UsageError(
        'error: ORDERS_LOCAL_DUPLICATE_RATE "2" is invalid. Use a fraction from 0 to 1, e.g. 0.05.\n(Run "npm start -- --help" for the options.)',
      ),
    );
  });

  it('takes --app and --stack in place of a stage', () => {
    expect(parseStartArgs(['--app', 'npx ts-node app.ts', '--stack', 'Shop', '--accept-differences'])).toMatchObject({
      runtime: {
        stage: undefined,
        app: 'npx ts-node app.ts',
        stack: 'Shop',
        appDir: process.env.INIT_CWD ?? process.cwd(),
        acceptDifferences: true,
      },
    });
  });

  it('refuses --stack without --app, --app with --stage, and --watch with --app', () => {
    expect(() => parseStartArgs(['--stack', 'Shop'])).toThrow(/stack: stack picks one stack of an app: pass it with app \(--app\)/);
    expect(() => parseStartArgs(['--app', 'cdk.out', '--stage', 'prod'])).toThrow(
      /option '--app <command-or-dir>' cannot be used with option '--stage <name>'/,
    );
    expect(() => parseStartArgs(['--app', 'cdk.out', '--watch'])).toThrow(/--watch .* does not work with --app/);
  });

  it('takes --help and refuses unknown options', () => {
    expect(parseStartArgs(['-h'])).toBeInstanceOf(HelpShown);
    expect(() => parseStartArgs(['--https'])).toThrow(/unknown option '--https'/);
  });
});
