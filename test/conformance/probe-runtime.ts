import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createEphemeralDir, type EphemeralDir, type LocalRuntime, startLocalRuntime } from '../../local-runtime';
import { eventually } from '../support/local-runtime-harness';
import { cachedSynthesis } from '../support/synth-cache';
import { synthesizeProbe } from './probe-stack';

/** What the probe reports of one invocation (test/conformance/probe/index.js). */
export interface ProbeCapture {
  readonly event: Record<string, unknown>;
  readonly context: Record<string, unknown>;
  readonly remainingTimeInMillis: number;
  readonly env: Record<string, string>;
  readonly invocationsOfThisEnvironment: number;
}

export interface ProbeAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** The probe's capture when the function answered (not for the front's own answers). */
  readonly capture?: ProbeCapture;
}

/** The local runtime running the probe stack on free ports, and the ways to reach the probe. */
export class ProbeRuntime {
  private constructor(
    readonly runtime: LocalRuntime,
    private readonly data: EphemeralDir,
  ) {}

  static async start(): Promise<ProbeRuntime> {
    const data = createEphemeralDir('orders-conformance-');
    try {
      const runtime = await startLocalRuntime({
        stage: 'conformance',
        dataDir: data.path,
        ports: { http: 0, https: 0, dynamodb: 0, sqs: 0 },
        visibilityTimeoutSeconds: 3,
        synthesize: cachedSynthesis('conformance-probe', synthesizeProbe) ?? synthesizeProbe,
      });
      return new ProbeRuntime(runtime, data);
    } catch (error) {
      data.remove();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
    this.data.remove();
  }

  async request(pathAndQuery: string, init: RequestInit = {}): Promise<ProbeAnswer> {
    const response = await fetch(`${this.runtime.apiUrl}${pathAndQuery}`, init);
    const body = await response.text();
    let capture: ProbeCapture | undefined;
    if (response.status === 200) capture = JSON.parse(body) as ProbeCapture;
    return { status: response.status, headers: response.headers, body, capture };
  }

  /** The probe's SQS captures so far, from its log (it writes one line per batch). */
  sqsCaptures(): ProbeCapture[] {
    const logName = readdirSync(this.runtime.logDir).find((name) => name.startsWith('ProbeFunction') && name.endsWith('.log'));
    if (!logName) return [];
    const text = readFileSync(path.join(this.runtime.logDir, logName), 'utf8');
    return text
      .split('\n')
      .filter((line) => line.startsWith('PROBE_CAPTURE '))
      .map((line) => JSON.parse(line.slice('PROBE_CAPTURE '.length)) as ProbeCapture);
  }

  /** Waits for an SQS capture holding a record that `matches`. */
  sqsRecord(
    matches: (record: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<{ record: Record<string, unknown>; capture: ProbeCapture }> {
    return eventually(
      what,
      () => {
        for (const capture of this.sqsCaptures()) {
          const record = (capture.event.Records as Record<string, unknown>[]).find(matches);
          if (record) return { record, capture };
        }
        return undefined;
      },
      20_000,
    );
  }
}

/** The probe runtime of a test file: started before its tests, stopped (data removed) after them. */
export const probeForSuite = (): (() => ProbeRuntime) => {
  let probe: ProbeRuntime | undefined;
  beforeAll(async () => {
    probe = await ProbeRuntime.start();
  }, 120_000);
  afterAll(async () => {
    await probe?.stop();
  }, 60_000);
  return () => {
    if (!probe) throw new Error('the probe runtime did not start (see the beforeAll error)');
    return probe;
  };
};
