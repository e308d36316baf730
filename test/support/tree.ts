/** What is below a folder, for "nothing was written" and "the same tree" checks. */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Every path below `root`, relative to it and sorted; a link is listed, never followed. */
export function pathsUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).sort();
}

/** Every path below `root` with `describe` of what is there (its lstat: a link is not followed). */
export function treeUnder(root: string, describe: (absolute: string, st: Stats) => string): Map<string, string> {
  return new Map(pathsUnder(root).map((rel) => {
    const absolute = path.join(root, rel);
    return [rel, describe(absolute, lstatSync(absolute))];
  }));
}
