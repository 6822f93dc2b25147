/**
 * `npm run test:profile`: where a jest run's time goes. Per file: its wall time, the part spent inside its tests, and
 * the rest (module loading and transpiling, beforeAll/afterAll: runtime starts and stops, synths); per project: the
 * sum; and how many files ran at once on average (busy file time over the run's wall time).
 * PROFILE_TOP=30 lists more files; PROFILE_JSON=path also writes every file's figures as JSON.
 */
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class ProfileReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.files = [];
    this.tests = [];
  }

  onTestResult(test, result) {
    const file = path.relative(this.rootDir, result.testFilePath);
    const wallMs = result.perfStats.end - result.perfStats.start;
    const inTestsMs = result.testResults.reduce((sum, each) => sum + (each.duration ?? 0), 0);
    this.files.push({
      file,
      project: test.context.config.displayName?.name ?? '(none)',
      wallMs,
      inTestsMs,
      outsideTestsMs: Math.max(0, wallMs - inTestsMs),
      tests: result.testResults.length,
      failed: result.numFailingTests,
      skipped: result.numPendingTests,
    });
    for (const each of result.testResults) this.tests.push({ file, title: each.fullName, durationMs: each.duration ?? 0 });
  }

  onRunComplete(_contexts, results) {
    const runMs = Date.now() - results.startTime;
    const top = Number(process.env.PROFILE_TOP ?? 15);
    const busyMs = this.files.reduce((sum, each) => sum + each.wallMs, 0);
    const lines = ['', `== test profile: ${this.files.length} files, ${this.tests.length} tests, ${seconds(runMs)} wall`];
    lines.push(`slowest ${Math.min(top, this.files.length)} files (wall = in tests + outside tests: loading, beforeAll/afterAll):`);
    for (const each of [...this.files].sort((a, b) => b.wallMs - a.wallMs).slice(0, top)) {
      lines.push(
        `  ${seconds(each.wallMs).padStart(8)}  in tests ${seconds(each.inTestsMs).padStart(8)}  outside ${seconds(each.outsideTestsMs).padStart(8)}  ${each.project.padEnd(11)} ${each.file}`,
      );
    }
    lines.push('slowest tests:');
    for (const each of [...this.tests].sort((a, b) => b.durationMs - a.durationMs).slice(0, Math.min(top, 10))) {
      lines.push(`  ${seconds(each.durationMs).padStart(8)}  ${each.file}: ${each.title}`);
    }
    lines.push('per project (sum of file wall times):');
    const projects = new Map();
    for (const each of this.files) {
      const sum = projects.get(each.project) ?? { files: 0, wallMs: 0 };
      projects.set(each.project, { files: sum.files + 1, wallMs: sum.wallMs + each.wallMs });
    }
    for (const [name, sum] of [...projects].sort((a, b) => b[1].wallMs - a[1].wallMs)) {
      lines.push(`  ${seconds(sum.wallMs).padStart(8)}  ${name} (${sum.files} files)`);
    }
    lines.push(
      `files running at once, on average: ${(busyMs / Math.max(1, runMs)).toFixed(2)} (busy ${seconds(busyMs)} over ${seconds(runMs)})`,
    );
    console.log(lines.join('\n'));
    if (process.env.PROFILE_JSON) {
      writeFileSync(process.env.PROFILE_JSON, `${JSON.stringify({ runMs, files: this.files }, null, 2)}\n`);
      console.log(`figures per file written to ${process.env.PROFILE_JSON}`);
    }
  }
}

module.exports = ProfileReporter;
