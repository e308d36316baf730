/** Atomic writes on a real temporary folder: exact modes, replace by rename, order, clean-up, fsync. */
import nodeFs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDir, writeFileAtomic, writeFilesAtomic } from '../../src/io/atomicWrite';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-atomic-'));
  umask = process.umask();
});
afterEach(() => {
  process.umask(umask);
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (p: string) => statSync(p).mode & 0o777;
/** Every name in the folder tree that looks like a temporary file. */
function temps(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).filter((n) => n.endsWith('.tmp'));
}

describe('writeFilesAtomic', () => {
  it.each([0o077, 0o022, 0o000])('gives every file exactly its mode under umask %o', async (mask) => {
    process.umask(mask);
    await writeFilesAtomic([
      { file: path.join(dir, 'a.conf'), content: 'a\n', mode: 0o644 },
      { file: path.join(dir, 'b.sh'), content: '#!/bin/sh\n', mode: 0o755 },
      { file: path.join(dir, 'c.key'), content: Buffer.from('key\n'), mode: 0o600, durable: true },
    ]);
    expect([modeOf(path.join(dir, 'a.conf')), modeOf(path.join(dir, 'b.sh')), modeOf(path.join(dir, 'c.key'))]).toEqual([0o644, 0o755, 0o600]);
    expect(readFileSync(path.join(dir, 'b.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(readFileSync(path.join(dir, 'c.key'), 'utf8')).toBe('key\n');
    expect(temps(dir)).toEqual([]);
  });

  it('replaces an existing file by renaming a new one over it (never rewrites it in place)', async () => {
    const file = path.join(dir, 'x.cfg');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    const before = statSync(file).ino;
    await writeFileAtomic(file, 'new\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).ino).not.toBe(before);
    expect(modeOf(file)).toBe(0o600);
  });

  it('writes nothing when a temporary file cannot be created, and leaves no temporary file', async () => {
    const first = path.join(dir, 'first.cfg');
    writeFileSync(first, 'old\n');
    const err = await writeFilesAtomic([
      { file: first, content: 'new\n', mode: 0o644 },
      { file: path.join(dir, 'missing-folder', 'second.cfg'), content: 'x', mode: 0o644 },
    ]).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(readFileSync(first, 'utf8')).toBe('old\n');
    expect(temps(dir)).toEqual([]);
  });

  it('renames in the order given: a failed rename keeps the earlier files, and no later one lands', async () => {
    const blocker = path.join(dir, 'manifest.json');
    mkdirSync(path.join(blocker, 'inside'), { recursive: true }); // a non-empty folder: rename onto it fails
    const err = await writeFilesAtomic([
      { file: path.join(dir, 'device.cfg'), content: 'device\n', mode: 0o600 },
      { file: blocker, content: '{}\n', mode: 0o644 },
      { file: path.join(dir, 'SHA256SUMS'), content: 'sums\n', mode: 0o644 },
    ]).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(readFileSync(path.join(dir, 'device.cfg'), 'utf8')).toBe('device\n');
    expect(statSync(blocker).isDirectory()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['device.cfg', 'manifest.json']);
  });

  it('fsyncs each durable file before its rename and each of their folders once, after the renames, and nothing else', async () => {
    mkdirSync(path.join(dir, 'sub'));
    const fsyncs: Array<{ fd: number; renamed: boolean }> = [];
    const realFsync = nodeFs.fsync;
    jest.spyOn(nodeFs, 'fsync').mockImplementation(((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
      fsyncs.push({ fd, renamed: nodeFs.existsSync(path.join(dir, 'k1')) });
      realFsync(fd, cb);
    }) as typeof nodeFs.fsync);
    const opened = jest.spyOn(nodeFs, 'openSync');
    await writeFilesAtomic([
      { file: path.join(dir, 'k1'), content: '1', mode: 0o600, durable: true },
      { file: path.join(dir, 'plain'), content: '2', mode: 0o644 },
      { file: path.join(dir, 'k2'), content: '3', mode: 0o600, durable: true },
      { file: path.join(dir, 'sub', 'k3'), content: '4', mode: 0o600, durable: true },
    ]);
    // The three files are flushed before any rename, the two folders after.
    expect(fsyncs.map((f) => f.renamed)).toEqual([false, false, false, true, true]);
    expect(opened.mock.calls.map((c) => c[0]).sort()).toEqual([dir, path.join(dir, 'sub')].sort());

    fsyncs.length = 0;
    opened.mockClear();
    await writeFilesAtomic([{ file: path.join(dir, 'plain'), content: '5', mode: 0o644 }]);
    expect(fsyncs).toEqual([]);
    expect(opened).not.toHaveBeenCalled();
  });
});

describe('ensureDir', () => {
  it('creates missing folders and forces the mode of an existing one', async () => {
    const existing = path.join(dir, 'site');
    mkdirSync(existing, { mode: 0o755 });
    process.umask(0o077);
    await ensureDir(existing, 0o700);
    expect(modeOf(existing)).toBe(0o700);
    await ensureDir(path.join(dir, 'a', 'b'), 0o755);
    expect(modeOf(path.join(dir, 'a', 'b'))).toBe(0o755);
  });
});
