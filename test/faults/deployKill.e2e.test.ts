/**
 * Crash-resume of deploy: a real `tunnelsmith deploy` process is killed with SIGKILL at points spread
 * over the run, then deploy runs again. A point is in progress, not in time: right after the k-th ARM
 * write of the run was answered, or halfway (as an uninterrupted reference run timed it) from there to
 * the next write, so a slow, loaded machine moves no kill to another stage. After every kill
 * each key Azure holds is in the key journal (or is the hub's referenced key); after the re-run Azure
 * holds exactly what the uninterrupted run left, every key confirmed, and one more deploy writes nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DEMO_HUB } from '../../src/cli/commands/demo';
import { planAzure, type AzurePlan } from '../../src/azure/deploy/plan';
import { createJournalKeyStore } from '../../src/azure/sharedKeys';
import type { Hub, SecretRef } from '../../src/hub/types';
import { keyJournalDir, readKeyJournal } from '../../src/io/keyJournal';
import { readHub } from '../../src/io/readHub';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';
import { SUB } from '../support/hubs';
import { runCliKilledAfter } from '../support/cli';
import { describeKillPoint, isArmWrite, keysNotInJournal, killPointsOver, listedResourceNames, pendingChanges, plannedResourceNames, stateSnapshot, writeAttempts } from './helpers';

const RG = 'ra-hybrid-vpn-er-rg';
const BRANCH_PSK = 'BranchReferencedKey7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0Sa';
const KILL_POINTS = 8;
const HUB_YAML = `${EMBEDDED_DEMO_HUB}  - name: branch
    device: strongswan
    publicIp: 40.50.60.71
    addressSpace: [172.16.0.0/16]
    sharedKey: { env: BRANCH_PSK }
`;

let h: Harness;
let caseNo = 0;
beforeAll(async () => {
  h = await startHarness({ durations: { gatewayMs: 300, connectionMs: 100, defaultMs: 100 } });
});
afterAll(async () => {
  await h.close();
});

interface Case {
  dir: string;
  hubFile: string;
  hub: Hub;
  plan: AzurePlan;
  journalDir: string;
  env: NodeJS.ProcessEnv;
}

/** A fresh emulator state (the provider's circuit only) and a fresh folder with the hub file. */
async function freshCase(): Promise<Case> {
  h.emu.control.reset();
  seedCircuit(h, RG);
  const dir = path.join(h.dir, `case${++caseNo}`);
  await fs.mkdir(dir, { recursive: true });
  const hubFile = path.join(dir, 'tunnelsmith.yaml');
  await fs.writeFile(hubFile, HUB_YAML);
  const caFile = path.join(dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);
  const { hub } = await readHub({ file: hubFile, cwd: dir });
  const env = { TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '20', BRANCH_PSK };
  h.emu.control.clearRequestLog();
  return { dir, hubFile, hub, plan: planAzure(hub, SUB), journalDir: keyJournalDir(hubFile), env };
}

/** Deploy again in-process (the same apply engine, short busy polls), with the journal beside the hub file. */
function deployAgain(c: Case) {
  const resolveSecret = async (ref: SecretRef) => {
    if ('env' in ref && ref.env === 'BRANCH_PSK') return BRANCH_PSK;
    throw new Error('unexpected secret reference');
  };
  return h.deploy(c.hub, { keys: createJournalKeyStore({ journalDir: c.journalDir, hubId: c.plan.hubId, resolveSecret }), resolveSecret });
}

async function expectNoKeyLost(c: Case): Promise<void> {
  expect(await keysNotInJournal(h.api, RG, c.journalDir, c.plan.hubId, c.hub.sites.map((s) => s.connectionName), { 'cn-branch': BRANCH_PSK })).toEqual([]);
}

test(`deploy killed at ${KILL_POINTS} points spread over the run, then run again: the uninterrupted run's state, no key lost`, async () => {
  const reference = await freshCase();
  const full = await runCliKilledAfter(h.emu, ['deploy', '--file', reference.hubFile], { cwd: reference.dir, env: reference.env });
  expect(full).toMatchObject({ killed: false, code: 0 });
  const expected = await stateSnapshot(h.api, reference.plan);
  expect(await pendingChanges(h.api, reference.plan)).toEqual([]);
  // One write per planned resource: the anchors of the kill points.
  expect(full.requests.filter(isArmWrite)).toHaveLength(plannedResourceNames(reference.plan).length);

  /** What was left to do at each kill: the kills must land at different stages of the run. */
  const stages = new Set<string>();
  for (const point of killPointsOver(full.requests, isArmWrite, KILL_POINTS)) {
    const c = await freshCase();
    const run = await runCliKilledAfter(h.emu, ['deploy', '--file', c.hubFile], { cwd: c.dir, env: c.env, kill: point });
    // The run still had writes to make, or the last one's operation to wait for.
    expect(run.killed ? 'killed' : `finished (code ${run.code}) before the point ${describeKillPoint(full.requests, point)}`).toBe('killed');
    stages.add((await pendingChanges(h.api, c.plan)).join(', '));
    await expectNoKeyLost(c);

    await deployAgain(c);
    expect(await pendingChanges(h.api, c.plan)).toEqual([]);
    expect(await listedResourceNames(h.api, RG)).toEqual(plannedResourceNames(c.plan));
    expect(await stateSnapshot(h.api, c.plan)).toEqual(expected);
    await expectNoKeyLost(c);
    const hq = await readKeyJournal(c.journalDir, c.plan.hubId, 'ra-hybrid-vpn-cn');
    expect(hq?.current).toMatchObject({ state: 'active', key: await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn') });
    expect(await h.api.getSharedKey(RG, 'cn-branch')).toBe(BRANCH_PSK);

    h.emu.control.clearRequestLog();
    await deployAgain(c);
    expect(writeAttempts(h.emu.control.requestLog())).toEqual([]);
  }
  expect(stages.size).toBeGreaterThanOrEqual(4);
  // Nine deploys killed and run again twice each: 17-20 s alone, 57 s at a load of 8 on 2 cores, near jest's default 60 s.
}, 180_000);
