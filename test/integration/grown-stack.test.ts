import * as path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DifferencesRefusedError, startLocalRuntime } from '../../local-runtime';
import { RuntimeHarness, eventually } from '../support/local-runtime-harness';

/** A CDK app this project's infra/ did not write (test/fixtures/grown-stack), run as `npm start -- --app` runs it. */
const GROWN_APP = path.join(__dirname, '..', 'fixtures', 'grown-stack');
const SYNTH_TIMEOUT_MS = 180_000;

describe('npm start -- --app with a grown stack (CORS, $default and greedy routes, a FIFO queue, a GSI, an SNS topic)', () => {
  const lines: string[] = [];
  // The FIFO queue runs as FIFO, CORS and the $default route as on AWS; the table's stream cannot run locally, so the
  // start needs the differences accepted, and says so.
  const harness = new RuntimeHarness({ app: GROWN_APP, acceptDifferences: true, log: (line) => lines.push(line) });
  beforeAll(() => harness.start(), SYNTH_TIMEOUT_MS);
  afterAll(async () => {
    await harness.stop();
    harness.removeData();
  }, 30_000);

  const api = (route: string, init?: RequestInit) => fetch(`${harness.runtime.apiUrl}${route}`, init);
  const inventoryLines = () => lines.filter((line) => /^(runs {5}|not run {2}|DIFFERS {2})AWS::/.test(line));
  /** The start's lines about the resource(s) whose logical id is this prefix and CDK's 8-digit hash. */
  const linesAbout = (logicalIdPrefix: string) =>
    inventoryLines().filter((line) => new RegExp(` ${logicalIdPrefix}[0-9A-F]{8}\\b`).test(line));

  it('runs the stack the app synthesized, with the context of its cdk.json', () => {
    expect(harness.runtime.stackName).toBe('GrownStack');
    expect(harness.outputs.Greeting).toBe("context from the fixture's cdk.json");
  });

  it('names every resource of the template at start, one line each for what does not run', () => {
    for (const [logicalId, resource] of Object.entries(harness.runtime.assembly.template.Resources)) {
      expect(inventoryLines().filter((line) => line.includes(` ${resource.Type} `) && line.includes(logicalId))).toHaveLength(1);
    }
    expect(linesAbout('OrderNotices')).toEqual([
      expect.stringMatching(/^not run {2}AWS::SNS::Topic OrderNotices[0-9A-F]{8}: no local SNS; publishes to it fail/),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^not run {2}AWS::SNS::Subscription OrderNoticesordersexamplecom[0-9A-F]{8}: /));
    expect(linesAbout('IntakeServiceRole')).toEqual([expect.stringMatching(/^not run {2}AWS::IAM::Role .*not enforced locally/)]);
    expect(linesAbout('Orders')).toEqual([
      expect.stringMatching(/^DIFFERS {2}AWS::DynamoDB::Table OrdersA9B65338: .*its stream \(NEW_AND_OLD_IMAGES\) does not run/),
    ]);
  });

  it('says at start what it runs differently, because the differences were accepted', () => {
    expect(linesAbout('OrderQueue')).toEqual([expect.stringMatching(/^runs {5}AWS::SQS::Queue .*: FIFO \(message groups in order/)]);
    expect(linesAbout('StoreApi')).toEqual([expect.stringMatching(/^runs {5}AWS::ApiGatewayV2::Api .*CorsConfiguration applied/)]);
  });

  it('refuses the same assembly without --accept-differences, naming each difference, before starting anything', async () => {
    const assembly = path.join(harness.dataDir, 'cdk.out', 'app');
    const refused = startLocalRuntime({
      app: assembly,
      dataDir: path.join(harness.dataDir, 'refused'),
      ports: { http: 0, https: 0, dynamodb: 0, sqs: 0 },
    });
    // A runtime that starts after all is stopped at once, so that a failure here leaves no process behind.
    const outcome = await refused.then(
      (runtime) => runtime.stop().then(() => 'started'),
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(DifferencesRefusedError);
    expect(String(outcome)).toMatch(/AWS::DynamoDB::Table Orders[0-9A-F]{8}: .*its stream[\s\S]*--accept-differences/);
  });

  it('takes an order through its API, FIFO queue and consumer into its table', async () => {
    const response = await api('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'grown-1', customerId: 'c-1' }),
    });
    expect(response.status).toBe(202);
    const stored = await eventually('the order in the table', async () => {
      const { Item } = await harness.documents.send(
        new GetCommand({ TableName: harness.outputs.OrdersTableOut, Key: { orderId: 'grown-1' }, ConsistentRead: true }),
      );
      return Item;
    });
    expect(stored).toMatchObject({ orderId: 'grown-1', customerId: 'c-1' });
  });

  it('sends what no route matches to the $default route', async () => {
    const response = await api('/nowhere/else');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ routeKey: '$default', path: '/nowhere/else' });
  });

  it("gives a preflight to the $default route, as API Gateway documents, with the API's CORS headers on its answer", async () => {
    const origin = 'https://shop.example.com';
    const response = await api('/orders', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ routeKey: '$default' });
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('serves the greedy {proxy+} route with the rest of the path', async () => {
    const response = await api('/files/reports/2026/december.csv');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ routeKey: 'GET /files/{proxy+}', proxy: 'reports/2026/december.csv' });
  });
});
