import { randomUUID } from 'node:crypto';
import { summarizeLatencies } from './lib/percentiles';
import { WatchedProject } from './lib/watched-project';

/** Issue targets on a 2-core machine: save → first request served by the new code (stack: → change applied). */
export const RELOAD_TARGETS_MS = { function: 1_500, layer: 2_500, stack: 6_000 } as const;

export type ReloadKind = keyof typeof RELOAD_TARGETS_MS;

export interface ReloadFigure {
  readonly kind: ReloadKind;
  readonly what: string;
  /** Save → new behaviour observed, one sample per edit. */
  readonly samplesMs: readonly number[];
  readonly p50Ms: number;
  readonly maxMs: number;
  readonly targetMs: number;
}

export interface ReloadBenchReport {
  readonly edits: number;
  readonly figures: readonly ReloadFigure[];
  readonly seconds: number;
}

const HANDLER = 'functions/api/handler.ts';
const ORDER_SCHEMA = 'shared-layer/src/orders/order-schema.ts';
const STAGES = 'infra/config/stages.ts';
const ACCEPTED_RESPONSE = /\{ orderId: order\.orderId, status: 'ACCEPTED'[^}]*\}/;
const QUANTITY_MESSAGE = /'quantity must be an integer[^']*'/;
const DEV_BATCH_SIZE = /(dev: \{[\s\S]*?batchSize: )\d+,/;
const POLL_INTERVAL_MS = 20;

const post = async (apiUrl: string, order: unknown): Promise<string> => {
  const response = await fetch(`${apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  return response.text();
};

/** Polls with one request at a time until an answer shows `marker`; returns when that answer arrived. */
const firstAnswerWith = async (ask: () => Promise<string>, marker: string, timeoutMs: number): Promise<number> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if ((await ask()).includes(marker)) return performance.now();
    if (performance.now() > deadline)
      throw new Error(`no answer showed ${marker} within ${timeoutMs / 1000} s: the reload did not reach the API`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
};

const figure = (kind: ReloadKind, what: string, samplesMs: number[]): ReloadFigure => {
  const summary = summarizeLatencies(samplesMs);
  return {
    kind,
    what,
    samplesMs: samplesMs.map(Math.round),
    p50Ms: Math.round(summary.p50),
    maxMs: Math.round(Math.max(...samplesMs)),
    targetMs: RELOAD_TARGETS_MS[kind],
  };
};

/**
 * Runs `npm start -- --watch` in a copy of the project and times `edits` saves of each kind: a handler (the API's
 * 202 body), the layer (a validation message), the stack (the dev batch size). Asserts nothing; prints figures.
 */
export const runReloadBench = async (edits: number, log: (line: string) => void): Promise<ReloadBenchReport> => {
  const started = performance.now();
  log('starting npm start -- --watch in a copy of the project ...');
  const project = await WatchedProject.start();
  try {
    const { apiUrl } = project;
    const validOrder = () => ({
      orderId: `reload-bench-${randomUUID()}`,
      customerId: 'cust-1',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }],
    });
    const invalidOrder = () => ({ ...validOrder(), items: [{ sku: 'SKU-1', quantity: 1.5, unitPrice: 100 }] });
    // Warm: the first answers include cold starts that have nothing to do with a reload.
    await post(apiUrl, validOrder());
    await post(apiUrl, invalidOrder());

    const functionSamples: number[] = [];
    const layerSamples: number[] = [];
    const stackSamples: number[] = [];
    for (let edit = 1; edit <= edits; edit += 1) {
      const marker = `reload-${edit}`;
      const savedHandler = project.edit(HANDLER, (text) =>
        text.replace(ACCEPTED_RESPONSE, `{ orderId: order.orderId, status: 'ACCEPTED', servedBy: '${marker}' }`),
      );
      functionSamples.push((await firstAnswerWith(() => post(apiUrl, validOrder()), marker, 30_000)) - savedHandler);

      const savedLayer = project.edit(ORDER_SCHEMA, (text) => text.replace(QUANTITY_MESSAGE, `'quantity must be an integer (${marker})'`));
      layerSamples.push((await firstAnswerWith(() => post(apiUrl, invalidOrder()), marker, 30_000)) - savedLayer);

      const batchSize = 90 + edit;
      const savedStack = project.edit(STAGES, (text) => text.replace(DEV_BATCH_SIZE, `$1${batchSize},`));
      const applied = await project.waitForLine(new RegExp(`reloaded in .*batch size \\d+ → ${batchSize}\\b`), savedStack, 60_000);
      stackSamples.push(applied.at - savedStack);
      log(
        `  edit ${edit}/${edits}: function ${Math.round(functionSamples[edit - 1])} ms, layer ${Math.round(layerSamples[edit - 1])} ms, ` +
          `stack ${Math.round(stackSamples[edit - 1])} ms`,
      );
    }
    return {
      edits,
      figures: [
        figure('function', 'handler edit → first request on the new code', functionSamples),
        figure('layer', 'layer edit → first request on the new code', layerSamples),
        figure('stack', 'stack edit (batch size) → applied to the running event source', stackSamples),
      ],
      seconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    log('stopping npm start -- --watch and removing the copy ...');
    await project.stop();
  }
};
