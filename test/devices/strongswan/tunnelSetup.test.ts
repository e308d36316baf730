/**
 * Runs the rendered tunnel-setup.sh with `ip`, `sysctl` and `iptables` replaced by stubs that only log
 * their arguments, so the script's behaviour is checked without touching any network.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strongswan } from '../../../src/devices/strongswan/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { ADDR, contextFor, type Shape } from './contexts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tunnelsmith-swan-setup-'));
  const stub = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${dir}/calls.log"\n${body}\n`);
    chmodSync(file, 0o755);
  };
  stub('ip', 'case "$1 $2" in "link show") exit 1 ;; esac\nexit 0');
  stub('sysctl', 'if [ "$1" = "-n" ]; then echo 1; fi\nexit 0');
  stub('iptables', 'for a in "$@"; do [ "$a" = "-C" ] && exit 1; done\nexit 0');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(shape: Shape): string {
  const result = renderDeviceFiles(contextFor(strongswan, shape), strongswan);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.files.find((f) => f.path === 'tunnel-setup.sh')?.content ?? '';
}

function run(content: string, args: string[], env: Record<string, string> = {}): { status: number | null; calls: string[]; stderr: string } {
  const file = path.join(dir, 'tunnel-setup.sh');
  writeFileSync(file, content);
  rmSync(path.join(dir, 'calls.log'), { force: true });
  const res = spawnSync('/bin/sh', [file, ...args], { env: { PATH: `${dir}:/usr/bin:/bin`, ...env }, encoding: 'utf8' });
  let calls: string[] = [];
  try {
    calls = readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
  } catch {
    calls = [];
  }
  return { status: res.status, calls, stderr: res.stderr };
}

test('the script is valid POSIX sh for every shape', () => {
  for (const shape of [{}, { activeActive: true }, { activeActive: true, bgp: 'apipa' as const, nat: true }]) {
    const res = spawnSync('/bin/sh', ['-n'], { input: script(shape), encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  }
});

test('full run: XFRM interfaces with if_id and MTU, sysctls, firewall openings per Azure IP, MSS clamp, routes', () => {
  const { status, calls } = run(script({ activeActive: true }), []);
  expect(status).toBe(0);
  expect(calls).toEqual(
    expect.arrayContaining([
      'ip link add xfrm-azure1 type xfrm dev eth0 if_id 100',
      'ip link add xfrm-azure2 type xfrm dev eth0 if_id 101',
      'ip link set dev xfrm-azure1 mtu 1400 up',
      'ip link set dev xfrm-azure2 mtu 1400 up',
      'sysctl -q -w net.ipv4.ip_forward=1',
      'sysctl -q -w net.ipv4.conf.xfrm-azure1.rp_filter=0',
      'sysctl -q -w net.ipv4.conf.xfrm-azure2.disable_policy=1',
      'sysctl -q -w net.ipv4.conf.all.rp_filter=2',
      'iptables -t mangle -I FORWARD 1 -o xfrm-azure1 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1350',
      'iptables -t mangle -I FORWARD 1 -i xfrm-azure2 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1350',
      'ip route replace 10.200.0.0/16 dev xfrm-azure1 metric 100',
      'ip route replace 10.200.0.0/16 dev xfrm-azure2 metric 110',
    ]),
  );
  for (const ip of ADDR.azurePublic) {
    for (const rule of ['-p udp --dport 500', '-p udp --dport 4500', '-p esp']) {
      expect(calls).toContain(`iptables -t filter -I INPUT 1 -s ${ip}/32 ${rule} -j ACCEPT`);
    }
  }
});

test('"routes" applies only the routes; the environment cannot rename an interface (frr.conf could not follow)', () => {
  const { status, calls } = run(script({}), ['routes'], { TUNNEL_IF_1: 'ipsec0', OUTSIDE_IF: 'eth9' });
  expect(status).toBe(0);
  expect(calls).toEqual(['ip route replace 10.200.0.0/16 dev xfrm-azure1 metric 100']);
});

test('BGP: INPUT opens TCP 179 both ways (sessions Azure opens, answers on sessions this side opens) and ping, per tunnel interface and Azure BGP address', () => {
  for (const bgp of ['multihop', 'apipa'] as const) {
    const { status, calls } = run(script({ activeActive: true, bgp }), ['firewall']);
    expect(status).toBe(0);
    const bgpIps = bgp === 'apipa' ? ADDR.azureApipa : ADDR.azureDefaultBgp;
    const rules = calls.filter((c) => c.startsWith('iptables -t filter -I INPUT 1 -i '));
    expect(rules).toEqual(
      bgpIps.flatMap((ip, i) => [
        `iptables -t filter -I INPUT 1 -i xfrm-azure${i + 1} -s ${ip}/32 -p tcp --dport 179 -j ACCEPT`,
        `iptables -t filter -I INPUT 1 -i xfrm-azure${i + 1} -s ${ip}/32 -p tcp --sport 179 -m conntrack --ctstate ESTABLISHED -j ACCEPT`,
        `iptables -t filter -I INPUT 1 -i xfrm-azure${i + 1} -s ${ip}/32 -p icmp --icmp-type echo-request -j ACCEPT`,
        `iptables -t filter -I INPUT 1 -i xfrm-azure${i + 1} -s ${ip}/32 -p icmp --icmp-type echo-reply -m conntrack --ctstate ESTABLISHED -j ACCEPT`,
      ]),
    );
    // "firewall" touches nothing but the firewall
    expect(calls.every((c) => c.startsWith('iptables -t filter '))).toBe(true);
  }
  expect(run(script({ activeActive: true }), ['firewall']).calls.filter((c) => / 179 /.test(c))).toEqual([]);
});

test('tunnel-setup.sh and frr.conf name the same tunnel interfaces, with and without a prefix option', () => {
  for (const deviceOptions of [{}, { tunnelInterfacePrefix: 'vti-az' }] as Record<string, string>[]) {
    const result = renderDeviceFiles(contextFor(strongswan, { activeActive: true, bgp: 'multihop', deviceOptions }), strongswan);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const file = (name: string) => result.files.find((f) => f.path === name)?.content ?? '';
    const scriptNames = [...file('tunnel-setup.sh').matchAll(/^TUNNEL_IF_\d+="([^"$]+)"$/gm)].map((m) => m[1]);
    const frrNames = [...file('frr.conf').matchAll(/^ip route \S+\/32 (\S+)$/gm)].map((m) => m[1]);
    expect(scriptNames).toHaveLength(2);
    expect(frrNames).toEqual(scriptNames);
    // the names the script really uses: its ip link calls
    const { calls } = run(file('tunnel-setup.sh'), []);
    expect(calls.filter((c) => c.startsWith('ip link add ')).map((c) => c.split(' ')[3])).toEqual(scriptNames);
  }
});

test('"routes" on a BGP site applies nothing (FRR owns the routes)', () => {
  const { status, calls } = run(script({ bgp: 'multihop' }), ['routes']);
  expect(status).toBe(0);
  expect(calls).toEqual([]);
});

test('an unknown mode exits 2 with usage and touches nothing', () => {
  expect(run(script({}), ['teardown']).stderr).toMatch(/usage: .* \[all\|routes\|firewall\]/);
  const { status, calls, stderr } = run(script({}), ['teardown']);
  expect(status).toBe(2);
  expect(stderr).toMatch(/usage:/);
  expect(calls).toEqual([]);
});
