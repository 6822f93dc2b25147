import { scanOrders, verificationProblems, verifyStoredOrders } from '../../load/lib/pipeline-checks';
import { SteadyOrders } from '../../load/lib/steady-orders';
import { eventually } from '../support/local-runtime-harness';
import { batchLines, type WatchedProject as Project, WatchedProject } from '../../load/lib/watched-project';

// `npm start -- --watch` in a copy of the project, edited while orders flow (docs/local-runtime.md, "Watch mode").
jest.setTimeout(180_000);

const HANDLER = 'functions/api/handler.ts';
const ACCEPTED_RESPONSE = "{ orderId: order.orderId, status: 'ACCEPTED' }";
const respondingWith = (marker: string) => `{ orderId: order.orderId, status: 'ACCEPTED', servedBy: '${marker}' }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let project: Project;

beforeAll(async () => {
  project = await WatchedProject.start();
});

afterAll(async () => {
  await project?.stop();
});

const postOrder = async (orderId: string) => {
  const response = await fetch(`${project.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, customerId: 'cust-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Waits until every accepted order of the run is in the table, then checks each is stored once and unchanged. */
const expectStoredExactlyOnce = async (flow: SteadyOrders, runId: string) => {
  const accepted = flow.accepted();
  let stored = await scanOrders(project.documents, project.outputs().OrdersTableName, runId);
  for (let waited = 0; stored.length < accepted.size && waited < 30_000; waited += 250) {
    await sleep(250);
    stored = await scanOrders(project.documents, project.outputs().OrdersTableName, runId);
  }
  expect(verificationProblems(verifyStoredOrders(accepted, stored))).toEqual([]);
};

const failedRequests = (flow: SteadyOrders) => flow.sent.filter((sent) => sent.status !== 202).map((sent) => `${sent.status} ${sent.body}`);

test('a handler edit reaches the running pipeline without a failed request, and every order is stored exactly once', async () => {
  const runId = `watch-edit-${Date.now()}`;
  const flow = new SteadyOrders(project.apiUrl, runId, 20);
  const batchesBefore = batchLines(project.lines).length;
  flow.start();
  // Each phase lasts until it has the traffic its assertions need, however fast a loaded machine answers.
  await eventually('20 answers before the edit', () => flow.sent.length >= 20, 30_000);
  const saved = project.edit(HANDLER, (text) => text.replace(ACCEPTED_RESPONSE, respondingWith('edited')));
  const reload = await project.waitForLine(/reloaded in .*functions\/api\/handler\.ts changed; rebuilt ApiFunction/, saved);
  await eventually(
    '20 answers to requests sent after the reload',
    () => flow.sent.filter((sent) => sent.sentAt > reload.at).length >= 20,
    30_000,
  );
  await flow.stop();

  expect(failedRequests(flow)).toEqual([]);
  const after = flow.sent.filter((sent) => sent.sentAt > reload.at);
  const before = flow.sent.filter((sent) => sent.answeredAt < saved);
  expect(after.length).toBeGreaterThan(10);
  expect(after.filter((sent) => !sent.body.includes('"servedBy":"edited"'))).toEqual([]);
  expect(before.length).toBeGreaterThan(10);
  expect(before.filter((sent) => sent.body.includes('servedBy'))).toEqual([]);

  await expectStoredExactlyOnce(flow, runId);
  // Each order written once by the consumer: a redelivery would count as "already stored", never as written.
  await sleep(1_500);
  const written = batchLines(project.lines)
    .slice(batchesBefore)
    .reduce((sum, batch) => sum + batch.written, 0);
  expect(written).toBe(flow.accepted().size);
});

test('a layer edit recycles every function using it while orders flow: no failed request, every order stored exactly once', async () => {
  const runId = `watch-layer-${Date.now()}`;
  const flow = new SteadyOrders(project.apiUrl, runId, 20);
  flow.start();
  await sleep(1_500);
  const saved = project.edit('shared-layer/src/orders/order-schema.ts', (text) =>
    text.replace("'quantity must be an integer'", "'quantity must be a whole number'"),
  );
  await project.waitForLine(/reloaded in .*rebuilt SharedLayer.*ConsumerFunction recycled/, saved);
  await sleep(2_000);
  await flow.stop();

  expect(failedRequests(flow)).toEqual([]);
  await expectStoredExactlyOnce(flow, runId);
  const invalid = await fetch(`${project.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: `${runId}-bad`, customerId: 'c', currency: 'EUR', items: [{ sku: 'S', quantity: 1.5, unitPrice: 1 }] }),
  });
  expect(await invalid.text()).toContain('quantity must be a whole number');
});

test('a broken edit is reported with file and line while the last good code keeps serving', async () => {
  const saved = project.edit(HANDLER, (text) => text.replace(respondingWith('edited'), "{ servedBy: 'broken' )}"));
  await project.waitForLine(
    /reload failed after .*functions\/api\/handler\.ts changed; build error; still serving the last good version/,
    saved,
  );
  await project.waitForLine(/functions\/api\/handler\.ts:\d+:\d+: /, saved);

  const whileBroken = await postOrder(`watch-broken-${Date.now()}`);
  expect(whileBroken).toMatchObject({ status: 202, body: { servedBy: 'edited' } });

  const fixed = project.edit(HANDLER, (text) => text.replace("{ servedBy: 'broken' )}", respondingWith('fixed')));
  await project.waitForLine(/reloaded in .*rebuilt ApiFunction/, fixed);
  expect(await postOrder(`watch-fixed-${Date.now()}`)).toMatchObject({ status: 202, body: { servedBy: 'fixed' } });
});

test('a stack edit changing the batch size applies to the next batches, with queued and stored data kept', async () => {
  const earlierRun = await scanOrders(project.documents, project.outputs().OrdersTableName, 'watch-edit-');
  const runId = `watch-stack-${Date.now()}`;
  const flow = new SteadyOrders(project.apiUrl, runId, 40);
  flow.start();
  // At 40 orders/s and a 1 s window, batches hold far more than 3: what the edit must change.
  await project.waitForLine(/batch ConsumerFunction\w*: ([4-9]|\d\d+) records/, performance.now());

  const saved = project.edit('infra/config/stages.ts', (text) => text.replace(/(dev: \{[\s\S]*?batchSize: )100,/, '$13,'));
  const reload = await project.waitForLine(/reloaded in .*infra\/config\/stages\.ts changed; .*batch size 100 → 3/, saved, 60_000);
  const batchesAfterReload = () => batchLines(project.lines).filter((batch) => batch.at > reload.at + 1_000);
  await eventually('four batches more than 1 s after the reload', () => batchesAfterReload().length > 3, 30_000);
  await flow.stop();

  expect(failedRequests(flow)).toEqual([]);
  await expectStoredExactlyOnce(flow, runId);
  const later = batchesAfterReload();
  expect(later.length).toBeGreaterThan(3);
  expect(later.filter((batch) => batch.records > 3)).toEqual([]);
  // The tables kept what was stored before the reload.
  expect((await scanOrders(project.documents, project.outputs().OrdersTableName, 'watch-edit-')).length).toBe(earlierRun.length);
});

test('a stack edit after a handler edit keeps the new handler (the synth process never reuses an old bundle)', async () => {
  const handlerSaved = project.edit(HANDLER, (text) => text.replace(respondingWith('fixed'), respondingWith('before-second-synth')));
  await project.waitForLine(/reloaded in .*rebuilt ApiFunction/, handlerSaved);
  const stackSaved = project.edit('infra/config/stages.ts', (text) => text.replace(/(dev: \{[\s\S]*?batchSize: )3,/, '$14,'));
  await project.waitForLine(/reloaded in .*batch size 3 → 4/, stackSaved, 60_000);

  expect(await postOrder(`watch-second-synth-${Date.now()}`)).toMatchObject({ status: 202, body: { servedBy: 'before-second-synth' } });
});

test('a stack edit adding a route and a variable applies both; a key-schema change is named and left as it was', async () => {
  const stackFile = 'infra/stacks/orders-pipeline-stack.ts';
  const saved = project.edit(stackFile, (text) =>
    text
      .replace(
        "...httpApi.addRoutes({ path: '/orders/batch', methods: [HttpMethod.POST], integration: intake, authorizer }),",
        "$&\n      ...httpApi.addRoutes({ path: '/orders/bulk', methods: [HttpMethod.POST], integration: intake, authorizer }),",
      )
      .replace('[ENV.IDEMPOTENCY_TABLE_NAME]: idempotencyTable.tableName,', "$&\n        EXTRA_SETTING: 'on',")
      .replace("partitionKey: { name: 'PK', type: AttributeType.STRING },", "partitionKey: { name: 'pk', type: AttributeType.STRING },"),
  );
  const reload = await project.waitForLine(/reloaded in .*infra\/stacks\/orders-pipeline-stack\.ts changed/, saved, 60_000);
  expect(reload.text).toContain('function ApiFunction recycled (environment EXTRA_SETTING)');
  expect(reload.text).toContain('route POST /orders/bulk → ApiFunction added');
  const warning = await project.waitForLine(/warning: table OrdersTable: KeySchema changed/, saved);
  expect(warning.text).toContain('NOT applied');

  // The new route reaches the API function (whose own router answers it), where before the HTTP API had no route.
  const bulk = await fetch(`${project.apiUrl}/orders/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(await bulk.json()).toMatchObject({
    type: 'urn:orders-pipeline:problem:route-not-found',
    detail: expect.stringContaining('No route POST /orders/bulk'),
  });
  // Orders are still stored under the running table's key.
  expect(await postOrder(`watch-after-schema-${Date.now()}`)).toMatchObject({ status: 202 });

  const reverted = project.edit(stackFile, (text) => text.replace("partitionKey: { name: 'pk'", "partitionKey: { name: 'PK'"));
  const revertReload = await project.waitForLine(/reloaded in .*infra\/stacks\/orders-pipeline-stack\.ts changed/, reverted, 60_000);
  await sleep(200);
  expect(project.lines.filter((line) => line.at >= revertReload.at && line.text.includes('warning:'))).toEqual([]);
});
