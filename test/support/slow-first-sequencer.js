const Sequencer = require('@jest/test-sequencer').default;

/**
 * Slow files first, so that no worker is left running one long file at the end. Jest's own order uses the durations
 * of the last run (jest's cache) and, on a fresh clone, the file size alone, which puts large but quick unit files
 * ahead of small integration files that wait on a runtime for half a minute. A file jest has no time for gets an
 * estimate: its size times what a byte of its project cost on the 2-core machine (a rough fit of the 2026-12-07
 * profile in docs/testing.md), in the same milliseconds as jest's recorded times.
 */
const MS_PER_BYTE = { integration: 4, conformance: 4, fuzz: 2, infra: 1, unit: 0.2 };

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const estimate = (test) => {
      const msPerByte = MS_PER_BYTE[test.context.config.displayName?.name] ?? 1;
      return this.time(test) ?? (test.context.hasteFS.getSize(test.path) ?? 0) * msPerByte;
    };
    const failedFirst = (test) => (this.hasFailed(test) ? 0 : 1);
    return [...tests].sort((a, b) => failedFirst(a) - failedFirst(b) || estimate(b) - estimate(a));
  }
}

module.exports = SlowFirstSequencer;
