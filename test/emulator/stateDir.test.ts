/**
 * The emulator's state folder holds shared keys, vault secrets, its TLS key and token: it is never a
 * symbolic link, an existing folder is tightened to 0700, and its files are written through new names
 * renamed into place, so a link planted in it (at state.json, key.pem or token) is replaced, never
 * written through.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../src/emulator';

let base: string;
let victim: string;
beforeEach(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'ts-emu-state-'));
  victim = mkdtempSync(path.join(os.tmpdir(), 'ts-emu-victim-'));
  chmodSync(victim, 0o755);
  writeFileSync(path.join(victim, 'target'), 'keep me\n');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(victim, { recursive: true, force: true });
});

describe('the emulator state folder', () => {
  it('a link as the state folder is refused; the target is neither chmodded nor written', async () => {
    const state = path.join(base, 'state');
    symlinkSync(victim, state);
    await expect(startEmulator({ stateDir: state })).rejects.toMatchObject({ code: 'EmulatorStateUnsafe', message: expect.stringContaining(`${state} is a symbolic link`) });
    expect(statSync(victim).mode & 0o777).toBe(0o755);
    expect(readdirSync(victim)).toEqual(['target']);
  });

  it('an existing folder is tightened to 0700; a link planted at state.json while it runs is replaced, never written through', async () => {
    const state = path.join(base, 'state');
    mkdirSync(state, { mode: 0o755 });
    chmodSync(state, 0o755);
    const emu = await startEmulator({ stateDir: state });
    try {
      expect(statSync(state).mode & 0o777).toBe(0o700);
      rmSync(path.join(state, 'state.json'), { force: true });
      symlinkSync(path.join(victim, 'target'), path.join(state, 'state.json'));
      emu.control.addProvisionedCircuit({ subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg1', name: 'c1', location: 'centralus' });
    } finally {
      await emu.stop();
    }
    expect(readFileSync(path.join(victim, 'target'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(path.join(state, 'state.json')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(path.join(state, 'state.json'), 'utf8')).version).toBe(1);
    for (const f of ['key.pem', 'token', 'state.json']) expect(statSync(path.join(state, f)).mode & 0o777).toBe(0o600);
    expect(readdirSync(state).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it.each(['state.json', 'key.pem', 'token'])('a %s that is a link is never read through: refused at start', async (file) => {
    const state = path.join(base, 'state');
    await (await startEmulator({ stateDir: state })).stop();
    rmSync(path.join(state, file), { force: true });
    symlinkSync(path.join(victim, 'target'), path.join(state, file));
    await expect(startEmulator({ stateDir: state })).rejects.toMatchObject({ code: 'EmulatorStateUnsafe', message: expect.stringContaining(`${path.join(state, file)} is a symbolic link`) });
    expect(readFileSync(path.join(victim, 'target'), 'utf8')).toBe('keep me\n');
  });
});
