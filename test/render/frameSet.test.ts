/**
 * The faster `Frame.prototype.set` (src/render/frameSet.ts) leaves every frame as nunjucks' own would:
 * plain and dotted names, writes resolved up to the frame that holds a name, isolated frames.
 */
import { FRAME_SET_FOR_NUNJUCKS, useCachedFrameSet } from '../../src/render/frameSet';

interface Frame {
  variables: Record<string, unknown>;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  push(isolateWrites?: boolean): Frame;
}
type FrameClass = { new (parent?: Frame, isolateWrites?: boolean): Frame; prototype: Frame };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Frame } = require('nunjucks/src/runtime') as { Frame: FrameClass };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NUNJUCKS_VERSION = (require('nunjucks/package.json') as { version: string }).version;
const original = Frame.prototype.set;

/** A parent, a child, and an isolated grandchild, after `steps` (frame index, name, value, resolveUp). */
function framesAfter(set: Frame['set'], steps: Array<[number, string, unknown, boolean?]>): unknown[] {
  const root = new Frame();
  const child = root.push();
  const isolated = child.push(true);
  const frames = [root, child, isolated];
  for (const [i, name, value, up] of steps) set.call(frames[i] as Frame, name, value, up);
  return frames.map((f) => JSON.parse(JSON.stringify(f.variables)) as unknown);
}

const STEPS: Array<[number, string, unknown, boolean?]> = [
  [0, 'site', 'hq'],
  [0, 'loop.index', 1],
  [0, 'loop.first', true],
  [1, 'd', { id: 'cisco-ios' }],
  [1, 'loop.index', 2],
  [1, 'loop.index', 3],
  [1, 'site', 'branch', true],
  [2, 'site', 'isolated', true],
  [2, 'new', 'here', true],
  [1, 'a.b.c', 4],
  [1, 'a.b.d', 5],
  [2, 'loop.last', false],
];

describe('Frame.set with the split of each name kept', () => {
  it(`is applied with nunjucks ${FRAME_SET_FOR_NUNJUCKS} only`, () => {
    expect(useCachedFrameSet()).toBe(NUNJUCKS_VERSION === FRAME_SET_FOR_NUNJUCKS);
    expect(Frame.prototype.set !== original).toBe(NUNJUCKS_VERSION === FRAME_SET_FOR_NUNJUCKS);
  });

  it('leaves every frame as the original does, twice over (the second time from the cache)', () => {
    const expected = framesAfter(original, STEPS);
    expect(expected[0]).toEqual({ site: 'branch', loop: { index: 1, first: true } });
    useCachedFrameSet();
    expect(framesAfter(Frame.prototype.set, STEPS)).toEqual(expected);
    expect(framesAfter(Frame.prototype.set, STEPS)).toEqual(expected);
  });
});
