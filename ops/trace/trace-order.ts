import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { buildJourney, type Journey, stepsFromLogs } from './journey';
import type { TraceSources } from './sources';

/** Gathers what every source knows about the order: `npm run trace` and the local dashboard's search box. */
export const traceOrder = async (orderId: string, sources: TraceSources): Promise<Journey> => {
  const [lines, stored, deadLetters] = await Promise.all([
    sources.logLines(orderId),
    sources.storedOrder(orderId),
    sources.deadLetters(orderId),
  ]);
  return buildJourney(orderId, { logSteps: stepsFromLogs(orderId, lines), stored, deadLetters });
};

/** The lines of local log files that mention `text`, streamed (a log after a load run holds millions of lines). */
export const linesMentioning = async (files: Iterable<string>, text: string): Promise<string[]> => {
  const found: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.includes(text)) found.push(line);
    }
  }
  return found;
};
