/**
 * Request counts and billing units kept in shared memory, so that the counting proxies can run on
 * their own thread while the runtime reads the figures synchronously at any moment. One writer (the
 * proxies' thread), any number of readers. A name is written before the slot count that publishes
 * it (an Atomics store), so a reader never sees a slot without its name.
 */
const SLOTS = 256;
const NAME_BYTES = 64;

export interface BilledUsage {
  /** SQS: requests in 64 KB chunks. */
  readonly sqsRequests: number;
  /** DynamoDB on-demand request units. */
  readonly readUnits: number;
  readonly writeUnits: number;
}

export interface SharedCountsBuffers {
  readonly names: SharedArrayBuffer;
  readonly counts: SharedArrayBuffer;
  readonly used: SharedArrayBuffer;
  readonly billed: SharedArrayBuffer;
}

export class SharedCounts {
  private readonly names: Uint8Array;
  private readonly counts: Int32Array;
  private readonly used: Int32Array;
  /** sqsRequests, read units in halves (eventually consistent reads cost 0.5), write units. */
  private readonly billed: BigInt64Array;
  private readonly slotOf = new Map<string, number>();

  constructor(readonly buffers: SharedCountsBuffers = SharedCounts.allocate()) {
    this.names = new Uint8Array(buffers.names);
    this.counts = new Int32Array(buffers.counts);
    this.used = new Int32Array(buffers.used);
    this.billed = new BigInt64Array(buffers.billed);
  }

  static allocate(): SharedCountsBuffers {
    return {
      names: new SharedArrayBuffer(SLOTS * NAME_BYTES),
      counts: new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT),
      used: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
      billed: new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT),
    };
  }

  /** Writer side: one more request of `key` (`<service>:<Operation>`). */
  count(key: string): void {
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      slot = Atomics.load(this.used, 0);
      // Past the last slot, every further operation name counts in the last one.
      if (slot >= SLOTS) slot = SLOTS - 1;
      else {
        this.names.set(new TextEncoder().encode(key).subarray(0, NAME_BYTES), slot * NAME_BYTES);
        Atomics.store(this.used, 0, slot + 1);
      }
      this.slotOf.set(key, slot);
    }
    Atomics.add(this.counts, slot, 1);
  }

  /** Writer side. */
  bill(units: { sqsRequests?: number; readUnits?: number; writeUnits?: number }): void {
    if (units.sqsRequests) Atomics.add(this.billed, 0, BigInt(units.sqsRequests));
    if (units.readUnits) Atomics.add(this.billed, 1, BigInt(Math.round(units.readUnits * 2)));
    if (units.writeUnits) Atomics.add(this.billed, 2, BigInt(units.writeUnits));
  }

  /** Reader side: requests by `<service>:<Operation>`. */
  requestCounts(): Record<string, number> {
    const result: Record<string, number> = {};
    const used = Atomics.load(this.used, 0);
    for (let slot = 0; slot < used; slot += 1) {
      const bytes = this.names.subarray(slot * NAME_BYTES, (slot + 1) * NAME_BYTES);
      const end = bytes.indexOf(0);
      // TextDecoder does not take views of shared memory: copy the name out first.
      const name = new TextDecoder().decode(bytes.slice(0, end === -1 ? NAME_BYTES : end));
      result[name] = Atomics.load(this.counts, slot);
    }
    return result;
  }

  /** Reader side. */
  billedUsage(): BilledUsage {
    return {
      sqsRequests: Number(Atomics.load(this.billed, 0)),
      readUnits: Number(Atomics.load(this.billed, 1)) / 2,
      writeUnits: Number(Atomics.load(this.billed, 2)),
    };
  }
}
