/**
 * Crash-resume of a fleet rotation: `rotate-key prepare --all` then `rotate-key apply --all` (real CLI
 * processes, two sites at a time, one site's key kept in Key Vault) killed with SIGKILL at points spread
 * over the whole cycle, then the cycle finished by running the same commands again. The points are in
 * progress, not in time, so a loaded machine moves none to another stage: prepare (which sends Azure
 * only reads) is killed right before its first, middle and last rename or fsync in the hub's folder
 * (journal and bundles); apply right after its first and second set-key writes were answered, halfway
 * (as an uninterrupted run timed it) from each to the next, and right after the last one. After every kill each
 * key Azure holds is in the journal (or is the vault's referenced key) and no site's old key is lost; at
 * the end every site is where the uninterrupted cycle leaves it, holding the key prepare chose.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readKeyJournal } from '../../src/io/keyJournal';
import type { RequestLogEntry } from '../../src/emulator';
import { runCli, runCliKilledAfter, type KilledRun, type KillPoint } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, DEPLOYED_RG as RG, deployHub, VAULT_KEY_V1, type DeployedHub } from '../support/emulator';
import { describeKillPoint, journalKeys, KILL_AT_FS_OP, keysNotInJournal, killPointsOver } from './helpers';

const SITES = ['hq', 'branch', 'vaulted'];
const CONNECTIONS = SITES.map((s) => `cn-${s}`);
const PREPARE_POINTS = 3;
const APPLY_POINTS = 5;
const KILL_POINTS = PREPARE_POINTS + APPLY_POINTS;
const PREPARE = ['rotate-key', 'prepare', '--all', '--concurrency', '2'];
const APPLY = ['rotate-key', 'apply', '--all', '--concurrency', '2', '--confirm-interval', '0.02', '--confirm-timeout', '30'];

type Keys = Record<string, string>;

async function azureKeys(h: DeployedHub): Promise<Keys> {
  return Object.fromEntries(await Promise.all(CONNECTIONS.map(async (c) => [c, await h.api.getSharedKey(RG, c)] as const)));
}

async function pendingKeys(h: DeployedHub): Promise<Keys> {
  const out: Keys = {};
  for (const c of CONNECTIONS) {
    const key = (await readKeyJournal(h.journalDir, HUB_ID, c))?.pending?.key;
    if (key) out[c] = key;
  }
  return out;
}

/** The invariant after any kill: Azure's key and each site's old key are known (journal, or the vault reference). */
async function expectNoKeyLost(h: DeployedHub, original: Keys): Promise<void> {
  expect(await keysNotInJournal(h.api, RG, h.journalDir, HUB_ID, CONNECTIONS, { 'cn-vaulted': VAULT_KEY_V1 })).toEqual([]);
  for (const c of CONNECTIONS) {
    if (original[c] === VAULT_KEY_V1) continue;
    expect(await journalKeys(h.journalDir, HUB_ID, c)).toContain(original[c]);
  }
}

/** Where a site ends up, in terms that do not depend on the keys drawn. */
async function finalState(h: DeployedHub, original: Keys): Promise<unknown> {
  const azure = await azureKeys(h);
  const vaultLatest = (await h.secrets.getSecret('vaulted-psk')).value;
  const out: Record<string, unknown> = {};
  for (const c of CONNECTIONS) {
    const e = (await readKeyJournal(h.journalDir, HUB_ID, c)) as (Awaited<ReturnType<typeof readKeyJournal>> & { rotation?: { state: string } }) | undefined;
    out[c] = {
      rotation: e?.rotation?.state,
      azureHoldsCurrent: azure[c] === e?.current.key,
      currentIsNew: e?.current.key !== original[c],
      previousIsOriginal: e?.previous?.key === original[c],
      pending: e?.pending !== undefined,
      ...(c === 'cn-vaulted' ? { vaultHoldsCurrent: vaultLatest === e?.current.key } : {}),
    };
  }
  return out;
}

async function cli(h: DeployedHub, argv: string[]): Promise<void> {
  const r = await runCli(argv, { cwd: h.dir, env: h.env });
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
}

/** Each site's rotation state in the journal, and whether Azure already holds its new key (a kill's stage). */
async function stageOf(h: DeployedHub): Promise<string> {
  const azure = await azureKeys(h);
  const states = [];
  for (const c of CONNECTIONS) {
    const e = (await readKeyJournal(h.journalDir, HUB_ID, c)) as (Awaited<ReturnType<typeof readKeyJournal>> & { rotation?: { state: string } }) | undefined;
    states.push(`${e?.rotation?.state ?? 'idle'}${e?.pending && azure[c] === e.pending.key ? ' (Azure holds the new key)' : ''}`);
  }
  return states.join(', ');
}

/** Apply's writes to Azure: the anchors of its kill points. */
function isSetKey(e: RequestLogEntry): boolean {
  return e.service === 'arm' && e.method === 'PUT' && /\/sharedkey$/i.test(e.path);
}

/** Prepare, with its renames and fsyncs in the hub's folder counted, and the child killed right before number `killAtOp` (0: never). */
function runPrepare(h: DeployedHub, killAtOp: number, opsFile?: string): Promise<KilledRun> {
  const env = { ...h.env, TUNNELSMITH_TEST_OPS_UNDER: h.dir, TUNNELSMITH_TEST_KILL_AT_OP: String(killAtOp), ...(opsFile ? { TUNNELSMITH_TEST_OPS_FILE: opsFile } : {}) };
  return runCliKilledAfter(h.emu, PREPARE, { cwd: h.dir, env, nodeArgs: ['-r', KILL_AT_FS_OP] });
}

type Point = { command: 'prepare'; atOp: number; label: string } | { command: 'apply'; kill: KillPoint; label: string };

/** Set-key and the connection's settling take long enough that the operations set the cycle's length. */
function slowKeyOperations(h: DeployedHub): void {
  h.emu.control.setDurations({ setSharedKeyMs: 150, connectionMs: 100 });
}

test(`rotate-key prepare/apply --all killed at ${KILL_POINTS} points spread over the cycle, then run again: no key lost, the uninterrupted end state`, async () => {
  // The uninterrupted cycle: prepare's renames and fsyncs, apply's requests, and where it leaves the sites.
  let expected: unknown;
  let prepareOps: string[];
  let applyRequests: KilledRun['requests'];
  const ref = await deployHub();
  const opsFile = path.join(os.tmpdir(), `ts-rotate-ops-${process.pid}.json`);
  try {
    slowKeyOperations(ref);
    const original = await azureKeys(ref);
    const prepare = await runPrepare(ref, 0, opsFile);
    expect(prepare).toMatchObject({ killed: false, code: 0 });
    prepareOps = JSON.parse(readFileSync(opsFile, 'utf8')) as string[];
    const prepared = await pendingKeys(ref);
    expect(Object.keys(prepared).sort()).toEqual([...CONNECTIONS].sort());
    const apply = await runCliKilledAfter(ref.emu, APPLY, { cwd: ref.dir, env: ref.env });
    expect(apply).toMatchObject({ killed: false, code: 0 });
    applyRequests = apply.requests;
    expect(applyRequests.filter(isSetKey)).toHaveLength(CONNECTIONS.length);
    expect(await azureKeys(ref)).toEqual(prepared);
    expected = await finalState(ref, original);
    expect(Object.values(expected as Record<string, { rotation: string }>).map((s) => s.rotation)).toEqual(['applied', 'applied', 'applied']);
  } finally {
    rmSync(opsFile, { force: true });
    await ref.close();
  }
  const points: Point[] = [
    ...Array.from({ length: PREPARE_POINTS }, (_, i): Point => {
      const atOp = 1 + Math.round((i * (prepareOps.length - 1)) / (PREPARE_POINTS - 1));
      return { command: 'prepare', atOp, label: `prepare, before ${prepareOps[atOp - 1]} (#${atOp})` };
    }),
    ...killPointsOver(applyRequests, isSetKey, APPLY_POINTS).map((kill): Point => ({ command: 'apply', kill, label: `apply, ${describeKillPoint(applyRequests, kill)}` })),
  ];

  const stages = new Set<string>();
  for (const point of points) {
    const h = await deployHub();
    try {
      slowKeyOperations(h);
      const original = await azureKeys(h);
      const inPrepare = point.command === 'prepare';
      let prepared: Keys = {};
      if (!inPrepare) {
        await cli(h, PREPARE);
        prepared = await pendingKeys(h);
      }
      const run = point.command === 'prepare' ? await runPrepare(h, point.atOp) : await runCliKilledAfter(h.emu, APPLY, { cwd: h.dir, env: h.env, kill: point.kill });
      // Every point comes before the run's end: prepare makes every counted call; apply still waits for its last set-key.
      expect(run.killed ? 'killed' : `finished (code ${run.code}) before the point ${point.label}`).toBe('killed');
      stages.add(`${point.command}: ${await stageOf(h)}`);
      await expectNoKeyLost(h, original);
      if (inPrepare) {
        expect(await azureKeys(h)).toEqual(original); // prepare never touches Azure's key
        await cli(h, PREPARE);
        prepared = await pendingKeys(h);
      }
      for (const key of [...Object.values(original), ...Object.values(prepared)]) expect(run.output).not.toContain(key);
      await cli(h, APPLY);
      await expectNoKeyLost(h, original);
      expect(await azureKeys(h)).toEqual(prepared);
      expect(await finalState(h, original)).toEqual(expected);
    } finally {
      await h.close();
    }
  }
  expect(stages.size).toBeGreaterThanOrEqual(3);
  // Nine deployed hubs and some twenty-five CLI processes: past jest's default 60 s on a loaded 2-core machine.
}, 180_000);
