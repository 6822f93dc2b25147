/** Label/value rows as an aligned two-column block. */
export const formatRows = (rows: readonly (readonly [string, string | number])[]): string => {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
};

/** Prints the verdict of a run that checks every accepted order, and exits 1 on any problem. */
export const exitWithVerdict = (problems: readonly string[]): never => {
  if (problems.length > 0) {
    process.stdout.write(
      `FAILED: ${problems.length} problem(s)\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p}`)
        .join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('OK: every accepted order is stored exactly once, unchanged.\n');
  process.exit(0);
};
