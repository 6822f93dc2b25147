import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import * as path from 'node:path';

/** What watch mode watches, relative to the project root; directories recursively. */
export const WATCHED = { directories: ['functions', 'shared-layer', 'infra', 'local-runtime'], files: ['cdk.json'] } as const;

/** Editor swap and backup files, dot files and build output: never a change to the project. */
const IGNORED = /(^|\/)(node_modules|cdk\.out|\.[^/]*)(\/|$)|~$|\.sw[a-p]$|\.tmp$|(^|\/)4913$/;

/** Whether watch mode reacts to a change of this project-relative path (exported for its unit test). */
export const isWatchedPath = (relativePath: string): boolean => !IGNORED.test(relativePath.split(path.sep).join('/'));

/**
 * Reports changed project-relative paths, a burst of saves (an editor's write-and-rename, a formatter touching
 * several files) as one set once the files have been quiet for `quietMs`.
 */
export class SourceWatcher {
  /** By absolute directory. One non-recursive watcher per directory: Node 22's recursive fs.watch on Linux stops
   * reporting anything once a watched file is replaced by a rename (sed -i, and editors that save atomically). */
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly projectRoot: string,
    private readonly onChange: (paths: string[]) => void,
    private readonly quietMs = 40,
  ) {
    for (const directory of WATCHED.directories) this.watchTree(directory);
    const files = new Set<string>(WATCHED.files);
    this.watchDirectory(projectRoot, (file) => {
      if (files.has(file)) this.changed(file);
    });
  }

  /** Watches a project-relative directory and every directory below it, including ones created later. */
  private watchTree(relativeDir: string): void {
    const absoluteDir = path.join(this.projectRoot, relativeDir);
    if (!isWatchedPath(relativeDir) || this.watchers.has(absoluteDir)) return;
    const watching = this.watchDirectory(absoluteDir, (file) => {
      const relativePath = path.join(relativeDir, file);
      if (isDirectory(path.join(absoluteDir, file))) this.watchTree(relativePath);
      this.changed(relativePath);
    });
    if (!watching) return;
    for (const entry of readdirSync(absoluteDir, { withFileTypes: true })) {
      if (entry.isDirectory()) this.watchTree(path.join(relativeDir, entry.name));
    }
  }

  private watchDirectory(absoluteDir: string, onFile: (file: string) => void): boolean {
    let watcher: FSWatcher;
    try {
      watcher = watch(absoluteDir, (_event, file) => {
        if (file) onFile(file.toString());
      });
    } catch {
      // Gone before it could be watched (a directory created and removed at once).
      return false;
    }
    // A removed directory's watcher fails: forget it (its parent reports the removal).
    watcher.on('error', () => {
      watcher.close();
      this.watchers.delete(absoluteDir);
    });
    this.watchers.set(absoluteDir, watcher);
    return true;
  }

  private changed(relativePath: string): void {
    if (!isWatchedPath(relativePath)) return;
    this.pending.add(relativePath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending].sort();
      this.pending = new Set();
      this.onChange(paths);
    }, this.quietMs);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

const isDirectory = (absolutePath: string): boolean => {
  try {
    return statSync(absolutePath).isDirectory();
  } catch {
    return false;
  }
};
