/**
 * nunjucks 3.2.4 runs `Frame.set(name, value)` eight times per iteration of every `{% for %}` (the item
 * and `loop.index`, `loop.first`, ...), and each call splits its dotted name anew. The 1,000-site render
 * spent about an eighth of its CPU time there (docs/benchmarks.md). This gives `Frame.prototype.set` the
 * same body with the split of each name kept: the names are the templates' own, a few dozen in all, so
 * the cache stays small. Applied only to the nunjucks version whose `set` it reproduces.
 */

interface FrameLike {
  variables: Record<string, unknown>;
  resolve(name: string, forWrite: boolean): FrameLike | undefined;
  set(name: string, value: unknown, resolveUp?: boolean): void;
}

/** The nunjucks release whose `Frame.prototype.set` the replacement below reproduces line for line. */
export const FRAME_SET_FOR_NUNJUCKS = '3.2.4';

let applied = false;

/** Whether the faster `set` is in place (false with another nunjucks than {@link FRAME_SET_FOR_NUNJUCKS}). */
export function useCachedFrameSet(): boolean {
  if (applied) return true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('nunjucks/package.json') as { version: string };
  if (version !== FRAME_SET_FOR_NUNJUCKS) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Frame } = require('nunjucks/src/runtime') as { Frame: { prototype: FrameLike } };
  const parts = new Map<string, string[]>();
  Frame.prototype.set = function set(this: FrameLike, name: string, value: unknown, resolveUp?: boolean): void {
    let path = parts.get(name);
    if (path === undefined) {
      path = name.split('.');
      parts.set(name, path);
    }
    if (resolveUp) {
      const frame = this.resolve(path[0] as string, true);
      if (frame) {
        frame.set(name, value);
        return;
      }
    }
    let obj = this.variables;
    for (let i = 0; i < path.length - 1; i++) {
      const id = path[i] as string;
      if (!obj[id]) obj[id] = {};
      obj = obj[id] as Record<string, unknown>;
    }
    obj[path[path.length - 1] as string] = value;
  };
  applied = true;
  return true;
}
