import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Page } from 'playwright-core';
import { type LocalPipeline, resourcesOfType, startPipeline } from '../../local-runtime';
import { sampleOrder } from '../support/fixtures';
import { eventually } from '../support/local-runtime-harness';
import { type HeadlessChromium, findChromium, launchChromium } from '../support/headless-chromium';

/** Fails validation with an orderId: the consumer dead-letters it at once, naming the order. */
const POISON = '{"version":1,"order":{"orderId":"dash-poison","note":"not an order"}}';
/** UPDATE_SCREENSHOT=1 refreshes the README's picture; otherwise the tree stays clean. */
const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'images', 'local-dashboard.png');

const chromiumFound = findChromium();
if ('missing' in chromiumFound) console.log(`local dashboard browser test skipped: ${chromiumFound.missing}`);
const describeWithBrowser = 'missing' in chromiumFound ? describe.skip : describe;

/** Posts one order every `everyMs` until stopped, as a client would. */
const startOrderFlow = (apiUrl: string, everyMs: number) => {
  let running = true;
  let accepted = 0;
  const flowing = (async () => {
    for (let i = 0; running; i += 1) {
      const response = await fetch(`${apiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleOrder({ orderId: `dash-flow-${i}` })),
      });
      if (response.status === 202) accepted += 1;
      await sleep(everyMs);
    }
  })();
  return {
    stop: async (): Promise<number> => {
      running = false;
      await flowing;
      return accepted;
    },
  };
};

const numberIn = async (page: Page, testId: string): Promise<number> => Number(await page.textContent(`[data-testid="${testId}"]`));

describeWithBrowser('local live dashboard (headless Chromium)', () => {
  let pipeline: LocalPipeline;
  let browser: HeadlessChromium;
  let page: Page;
  let flow: ReturnType<typeof startOrderFlow> | undefined;
  let stopped = false;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [pipeline, browser] = await Promise.all([
      startPipeline('orders-dashboard-'),
      launchChromium((chromiumFound as { executablePath: string }).executablePath),
    ]);
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 90_000);

  afterAll(async () => {
    await flow?.stop();
    await browser?.close();
    if (!stopped) await pipeline?.stop();
  }, 30_000);

  /** The template's alarm on the DLQ's depth, whatever else the stack alarms on. */
  const deadLetterAlarmId = () => {
    const { template } = pipeline.runtime.assembly;
    const deadLetterQueues = resourcesOfType(template, 'AWS::SQS::Queue').map(
      ([, queue]) => queue.Properties?.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0],
    );
    const [alarm] = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, resource]) =>
        resource.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        deadLetterQueues.includes(resource.Properties?.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0]),
    );
    return alarm[0];
  };

  it('loads with one row per alarm of the synthesized template, the DLQ alarm OK', async () => {
    await page.goto(pipeline.runtime.dashboardUrl);

    await page.waitForSelector('#connection.live', { timeout: 10_000 });
    const alarmIds = resourcesOfType(pipeline.runtime.assembly.template, 'AWS::CloudWatch::Alarm').map(([id]) => id);
    expect(alarmIds.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-alarm]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-alarm')))).toEqual(alarmIds);
    expect(await page.getAttribute(`[data-alarm="${deadLetterAlarmId()}"]`, 'data-state')).toBe('OK');
  }, 30_000);

  it('updates request and stored-order panels while orders flow', async () => {
    const requestsBefore = await numberIn(page, 'api-requests-total');

    flow = startOrderFlow(pipeline.runtime.apiUrl, 100);

    await eventually('5 orders stored on the page', async () => (await numberIn(page, 'orders-stored-total')) >= 5, 20_000);
    expect(await numberIn(page, 'api-requests-total')).toBeGreaterThan(requestsBefore);
    // The table is written before the event source reports the batch (after deleting its records): a snapshot can show
    // the stored orders a moment before their batch.
    await eventually('a consumer batch on the page', async () => (await numberIn(page, 'batches-ConsumerFunction')) > 0, 10_000);
  }, 30_000);

  it('turns the DLQ alarm red for a poison order and lists its reason among the last failures', async () => {
    await pipeline.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.runtime.outputs.QueueUrl, MessageBody: POISON }));

    await page.waitForSelector(`[data-alarm="${deadLetterAlarmId()}"][data-state="ALARM"]`, { timeout: 20_000 });
    expect(await numberIn(page, 'dlq-depth')).toBeGreaterThanOrEqual(1);
    await page.locator('#failures tr', { hasText: 'dash-poison' }).first().waitFor({ timeout: 10_000 });
    expect(await page.textContent('#failures')).toContain('InvalidOrderMessageError');
    if (process.env.UPDATE_SCREENSHOT === '1') {
      // A few more seconds of flowing orders draw the sparklines.
      await sleep(3_000);
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
  }, 40_000);

  it("shows a stored order's journey from the search box", async () => {
    await page.fill('#journey-input', 'dash-flow-0');
    await page.click('#journey-form button');

    await page.waitForSelector('[data-testid="journey-verdict"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="journey-verdict"]')).toBe('STORED');
    expect(await page.textContent('#journey-result')).toContain('stored by this delivery');
  }, 20_000);

  it('says disconnected once the runtime stops, without a script error on the way', async () => {
    expect(await flow?.stop()).toBeGreaterThan(0);
    flow = undefined;

    await pipeline.stop();
    stopped = true;

    await page.waitForSelector('#connection.disconnected', { timeout: 10_000 });
    expect(await page.textContent('#connection')).toContain('the runtime stopped');
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
