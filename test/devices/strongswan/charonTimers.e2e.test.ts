/**
 * The rendered strongswan.d/tunnelsmith.conf as a real charon reads it: included from a throwaway
 * strongswan.conf (as /etc/strongswan.conf includes /etc/strongswan.d/*.conf), charon starts (it aborts
 * on a config it cannot parse) and an IKE_SA towards an address nobody answers gives up after exactly
 * the rendered number of retransmissions, at the rendered give-up time. Runs as root in a network
 * namespace it creates and deletes (the interop lab's helpers), about 7 s. Elsewhere it FAILS naming what
 * is missing, unless TUNNELSMITH_SKIP_LAB=1 skips it (reported as skipped), like the lab.
 */
import path from 'node:path';
import { STRONGSWAN_TIMERS_FILE, strongswan } from '../../../src/devices/strongswan/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { Charon } from '../../interop/lab/charon';
import { addAddress, createNamespace } from '../../interop/lab/netns';
import { CHARON_IN_NAMESPACE } from '../../interop/lab/prereqs';
import { run } from '../../interop/lab/run';
import { LabState } from '../../interop/lab/state';
import { describeNeeding } from '../../support/prerequisites';
import { contextFor } from './contexts';
import { parseSwanctlConf, section } from './swanctlConf';

/** Azure's shortest DPD timeout: the fastest schedule, so the test stays short. */
const DPD_TIMEOUT_SECONDS = 9;
const LOCAL = '192.0.2.1';
/** On the same link, never assigned: ARP fails and every IKE packet to it vanishes, like a crashed peer. */
const SILENT_PEER = '192.0.2.2';

function renderedTimers(): { content: string; timeoutMs: number; base: number; tries: number } {
  const result = renderDeviceFiles(contextFor(strongswan, { dpdTimeoutSeconds: DPD_TIMEOUT_SECONDS }), strongswan);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const content = result.files.find((f) => f.path === STRONGSWAN_TIMERS_FILE)?.content;
  if (content === undefined) throw new Error(`no ${STRONGSWAN_TIMERS_FILE}`);
  const charon = section(parseSwanctlConf(content), 'charon');
  return { content, timeoutMs: Number(charon.retransmit_timeout) * 1000, base: Number(charon.retransmit_base), tries: Number(charon.retransmit_tries) };
}

const PROBE_CONF = `connections {
    probe {
        version = 2
        local_addrs = ${LOCAL}
        remote_addrs = ${SILENT_PEER}
        proposals = aes256-sha256-modp2048
        keyingtries = 1
        local {
            auth = psk
            id = ${LOCAL}
        }
        remote {
            auth = psk
            id = ${SILENT_PEER}
        }
        children {
            probe-net {
                local_ts = 10.1.0.0/16
                remote_ts = 10.2.0.0/16
                esp_proposals = aes256gcm16
            }
        }
    }
}
secrets {
    ike-probe {
        id = ${SILENT_PEER}
        secret = "probe-only-not-a-real-key"
    }
}
`;

describeNeeding(CHARON_IN_NAMESPACE, 'strongswan.d/tunnelsmith.conf in a real charon', () => {
  let state: LabState | undefined;
  afterAll(async () => {
    await state?.teardown({ keepDir: process.env.TUNNELSMITH_LAB_KEEP === '1' });
  });

  test('charon loads the included file and gives up on a silent peer after the rendered retransmissions and time', async () => {
    const timers = renderedTimers();
    const expectedMs = Array.from({ length: timers.tries + 1 }, (_, n) => Math.floor(timers.timeoutMs * Math.pow(timers.base, n))).reduce((a, b) => a + b, 0);
    state = LabState.create();
    const ns = await createNamespace(state, 'rt');
    await run(['ip', '-n', ns, 'link', 'add', 'wan', 'type', 'veth', 'peer', 'name', 'wan-peer']);
    await run(['ip', '-n', ns, 'link', 'set', 'wan', 'up']);
    await run(['ip', '-n', ns, 'link', 'set', 'wan-peer', 'up']);
    await addAddress(ns, 'wan', `${LOCAL}/24`);
    const charon = new Charon(state, ns, 'timers', { strongswanD: { [path.basename(STRONGSWAN_TIMERS_FILE)]: timers.content } });
    await charon.start();
    await charon.load(PROBE_CONF, 'probe.conf');

    const t0 = Date.now();
    const r = await charon.initiate('probe-net', Math.ceil(expectedMs / 1000) + 10);
    const elapsed = Date.now() - t0;
    const log = charon.log();
    expect(`${r.stdout}${r.stderr}`).toMatch(/initiate failed/);
    for (let n = 1; n <= timers.tries; n++) expect(log).toContain(`retransmit ${n} of request with message ID 0`);
    expect(log).not.toContain(`retransmit ${timers.tries + 1} of request`);
    expect(log).toContain(`giving up after ${timers.tries} retransmits`);
    expect(elapsed).toBeGreaterThanOrEqual(expectedMs - 50);
    expect(elapsed).toBeLessThanOrEqual(expectedMs + 1500);
    await charon.stop();
  }, 30_000);
});
