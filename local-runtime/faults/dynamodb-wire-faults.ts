import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import type { Random } from '../seeded-random';
import type { FaultConfig } from './fault-config';

/** One HTTP answer, whole: faults read and rewrite bodies, so nothing is streamed. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * One random stream per kind of fault, so the n-th call that could crash always draws the n-th crash
 * number, however throttles and withheld items interleave with it: a seed replays the same faults.
 */
export interface FaultDraws {
  readonly throttle: Random;
  readonly unprocessed: Random;
  readonly crash: Random;
}

export interface WireOutcome {
  readonly response: WireResponse;
  /** The call went through, and its caller is to die before it sees the answer. */
  readonly crashCaller: boolean;
}

/** The counters a run reports, by what was injected. */
export const FAULT_COUNTS = {
  throttled: 'fault:ProvisionedThroughputExceededException',
  unprocessedItems: 'fault:UnprocessedItems',
  crashes: 'fault:crash',
} as const;

type WriteRequest = { PutRequest?: { Item?: { orderId?: { S?: string } } }; DeleteRequest?: unknown };
type RequestsByTable = Record<string, WriteRequest[]>;

const FAULTED_OPERATIONS = new Set(['BatchWriteItem', 'BatchGetItem']);

/** A DynamoDB JSON answer with the headers the SDK reads (it checks x-amz-crc32 against the body). */
const jsonResponse = (status: number, payload: unknown, headers: WireResponse['headers'] = {}): WireResponse => {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.byteLength),
      'x-amz-crc32': String(crc32(body)),
      'x-amzn-requestid': (headers['x-amzn-requestid'] as string | undefined) ?? randomUUID(),
    },
    body,
  };
};

const throttled = (operation: string): WireResponse =>
  jsonResponse(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: `${operation}: the level of configured provisioned throughput for the table was exceeded (injected fault)`,
  });

/**
 * DynamoDB misbehaving as it does under stress, injected between the functions and the emulator: it
 * refuses a call, leaves items unprocessed, is slow, or loses the caller. The SDK and the function's
 * own adapter see these as real answers, so their retry and UnprocessedItems paths are the ones tested.
 */
export class DynamoDbWireFaults {
  private readonly stuck: ReadonlySet<string>;
  /** When the throttle storm ends: set by the first faulted call, so the storm meets the traffic whenever it starts. */
  private stormEndsAt: number | undefined;

  constructor(
    private readonly config: FaultConfig,
    private readonly draws: FaultDraws,
    private readonly count: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.stuck = new Set(config.unprocessedOrderIds);
  }

  /** Whether a call needs its body whole before anything goes upstream. */
  intercepts(operation: string): boolean {
    return FAULTED_OPERATIONS.has(operation);
  }

  async handle(operation: string, body: Buffer, forward: (body: Buffer) => Promise<WireResponse>): Promise<WireOutcome> {
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.inStorm()) {
      this.count(FAULT_COUNTS.throttled);
      return { response: throttled(operation), crashCaller: false };
    }
    if (this.draws.throttle() < this.config.throttleRate) {
      this.count(FAULT_COUNTS.throttled);
      return { response: throttled(operation), crashCaller: false };
    }
    if (operation !== 'BatchWriteItem') return { response: await forward(body), crashCaller: false };

    const request = JSON.parse(body.toString('utf8')) as { RequestItems?: RequestsByTable };
    const { toWrite, withheld } = this.splitWrites(request.RequestItems ?? {});
    const withheldCount = Object.values(withheld).reduce((sum, requests) => sum + requests.length, 0);
    for (let i = 0; i < withheldCount; i += 1) this.count(FAULT_COUNTS.unprocessedItems);

    let response: WireResponse;
    if (Object.keys(toWrite).length === 0) {
      response = jsonResponse(200, { UnprocessedItems: withheld });
    } else {
      const upstream = await forward(withheldCount === 0 ? body : Buffer.from(JSON.stringify({ ...request, RequestItems: toWrite })));
      response = upstream.status === 200 && withheldCount > 0 ? withUnprocessed(upstream, withheld) : upstream;
    }
    const crashCaller = response.status === 200 && this.draws.crash() < this.config.crashRate;
    if (crashCaller) this.count(FAULT_COUNTS.crashes);
    return { response, crashCaller };
  }

  private inStorm(): boolean {
    if (this.config.throttleStormSeconds <= 0) return false;
    this.stormEndsAt ??= this.now() + this.config.throttleStormSeconds * 1000;
    return this.now() < this.stormEndsAt;
  }

  private splitWrites(requestItems: RequestsByTable): { toWrite: RequestsByTable; withheld: RequestsByTable } {
    const toWrite: RequestsByTable = {};
    const withheld: RequestsByTable = {};
    for (const [table, requests] of Object.entries(requestItems)) {
      const isStuck = (request: WriteRequest) => this.stuck.has(request.PutRequest?.Item?.orderId?.S ?? '');
      let sent = requests.filter((request) => !isStuck(request));
      const held = requests.filter(isStuck);
      if (sent.length > 1 && this.draws.unprocessed() < this.config.unprocessedRate) {
        const half = Math.ceil(sent.length / 2);
        held.push(...sent.slice(half));
        sent = sent.slice(0, half);
      }
      if (sent.length > 0) toWrite[table] = sent;
      if (held.length > 0) withheld[table] = held;
    }
    return { toWrite, withheld };
  }
}

/** DynamoDB's own answer with the withheld requests added to its UnprocessedItems. */
const withUnprocessed = (upstream: WireResponse, withheld: RequestsByTable): WireResponse => {
  const payload = JSON.parse(upstream.body.toString('utf8')) as { UnprocessedItems?: RequestsByTable };
  const unprocessed: RequestsByTable = { ...payload.UnprocessedItems };
  for (const [table, requests] of Object.entries(withheld)) unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
  return jsonResponse(200, { ...payload, UnprocessedItems: unprocessed }, upstream.headers);
};
