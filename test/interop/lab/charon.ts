/**
 * One strongSwan charon per namespace: a self-contained strongswan.conf (kernel-libipsec before
 * kernel-netlink, its own vici socket, file log, retransmission timers: the lab's own, or rendered
 * strongswan.d files included as /etc/strongswan.conf includes them), the /run bind mount that keeps
 * charon 5.9.8's hard-coded pid file private, and swanctl helpers that check output, not exit codes.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listRules } from './netns';
import { run, startDaemon, waitFor, type RunResult } from './run';
import type { LabState } from './state';
import { parseListSas, type IkeSa } from './vici';

export const CHARON_BINARY = '/usr/lib/ipsec/charon';

/**
 * Retransmission timers of the lab's strongswan.conf for a charon without rendered settings (the Azure
 * side). charon's defaults (4 s, base 1.8, 5 tries: about 165 s before a silent peer is declared dead)
 * would make the crash drill take minutes. The appliance uses the product's rendered
 * strongswan.d/tunnelsmith.conf instead (see `CharonOptions.strongswanD`).
 */
export const LAB_RETRANSMIT = { timeoutS: 1, base: 1.4, tries: 3 } as const;

export interface CharonOptions {
  /**
   * Files for the charon's own `strongswan.d/` (name -> content), included at the top level of its
   * strongswan.conf as the stock /etc/strongswan.conf includes /etc/strongswan.d/*.conf. When given,
   * the lab's retransmission timers are left out: the included files decide them.
   */
  strongswanD?: Record<string, string>;
}

/** Plugins for PSK IKEv2 with every proposal Azure offers, userspace ESP and vici. */
const CHARON_PLUGINS = 'random nonce aes sha1 sha2 hmac gcm gmp pem pkcs1 x509 openssl kdf kernel-libipsec kernel-netlink socket-default vici';

export function buildStrongswanConf(dir: string, opts: { includeStrongswanD?: boolean } = {}): string {
  const vici = `unix://${path.join(dir, 'charon.vici')}`;
  const timers = opts.includeStrongswanD
    ? ''
    : `  retransmit_timeout = ${LAB_RETRANSMIT.timeoutS}
  retransmit_base = ${LAB_RETRANSMIT.base}
  retransmit_tries = ${LAB_RETRANSMIT.tries}
`;
  return `# interop lab: one charon per namespace (not the product's configuration)
charon {
  load_modular = no
  load = ${CHARON_PLUGINS}
  install_routes = no
${timers}  filelog {
    lab {
      path = ${path.join(dir, 'charon.log')}
      time_format = %H:%M:%S
      default = 1
      ike = 2
      cfg = 2
      flush_line = yes
    }
  }
  plugins {
    vici {
      socket = ${vici}
    }
  }
}
swanctl {
  load = random nonce pem pkcs1 x509
  socket = ${vici}
}
${opts.includeStrongswanD ? 'include strongswan.d/*.conf\n' : ''}`;
}

export class Charon {
  readonly dir: string;
  private pid = 0;

  constructor(
    private readonly state: LabState,
    readonly ns: string,
    readonly label: string,
    private readonly opts: CharonOptions = {},
  ) {
    this.dir = path.join(state.dir, `charon-${label}`);
  }

  private get env(): Record<string, string> {
    return { STRONGSWAN_CONF: path.join(this.dir, 'strongswan.conf') };
  }

  get logFile(): string {
    return path.join(this.dir, 'charon.log');
  }

  /** The charon log so far ('' before start). */
  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  /** Starts charon, waits for its vici socket, then removes kernel-libipsec's `lookup 220` rule. */
  async start(): Promise<void> {
    mkdirSync(path.join(this.dir, 'run'), { recursive: true, mode: 0o700 });
    mkdirSync(path.join(this.dir, 'swanctl'), { recursive: true, mode: 0o700 });
    const included = this.opts.strongswanD;
    if (included) {
      const d = path.join(this.dir, 'strongswan.d');
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d, { mode: 0o700 });
      for (const [name, content] of Object.entries(included)) writeFileSync(path.join(d, name), content, { mode: 0o600 });
    }
    writeFileSync(path.join(this.dir, 'strongswan.conf'), buildStrongswanConf(this.dir, { includeStrongswanD: included !== undefined }), { mode: 0o600 });
    const runDir = path.join(this.dir, 'run');
    const daemon = startDaemon(
      ['sh', '-c', `mount --bind '${runDir}' /run && exec ${CHARON_BINARY}`],
      path.join(this.dir, 'stdout.log'),
      { ns: this.ns, env: this.env },
    );
    this.pid = daemon.pid;
    this.state.recordProcess(daemon.pid, 'charon', `charon ${this.label}`);
    await waitFor(
      `charon (${this.label}) to answer on vici`,
      async () => ((await this.swanctl(['--stats'], { allowFail: true })).code === 0 ? true : undefined),
      10_000,
      100,
    );
    // kernel-libipsec routes everything through table 220 once a CHILD_SA is up (install_routes is
    // ignored); only the rendered routes and BGP may decide what enters the tunnel.
    const has220 = async () => (await listRules(this.ns)).some((r) => String(r.table) === '220');
    await waitFor('the table-220 rule', async () => ((await has220()) ? true : undefined), 3_000, 50).catch(() => undefined);
    if (await has220()) await run(['ip', 'rule', 'del', 'table', '220'], { ns: this.ns });
  }

  async stop(): Promise<void> {
    if (this.pid) await this.state.stopProcess(this.pid);
    this.pid = 0;
  }

  swanctl(args: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    return run(['swanctl', ...args], { ns: this.ns, env: this.env, ...opts });
  }

  /**
   * Loads a swanctl.conf (written 0600: it holds the key) replacing whatever was loaded. swanctl exits 0
   * on an invalid file, so the output is checked; throws with it when anything was not loaded.
   */
  async load(conf: string, name = 'swanctl.conf'): Promise<string> {
    const file = path.join(this.dir, 'swanctl', name);
    writeFileSync(file, conf, { mode: 0o600 });
    const r = await this.swanctl(['--load-all', '--noprompt', '--file', file], { allowFail: true });
    const out = `${r.stdout}${r.stderr}`;
    const problems = out
      .split('\n')
      .filter((l) => /invalid|failed|error|unknown|syntax/i.test(l) && !/^opening directory/.test(l) && !/^plugin '/.test(l));
    if (r.code !== 0 || problems.length > 0 || !/successfully loaded \d+ connections/.test(out)) {
      throw new Error(`swanctl could not load ${name} in ${this.label} (exit ${r.code}):\n${problems.join('\n') || out}`);
    }
    return out;
  }

  /** `swanctl --initiate --child C`; resolves with the result (failures are diagnosed by the caller). */
  initiate(child: string, timeoutS = 10): Promise<RunResult> {
    return this.swanctl(['--initiate', '--child', child, '--timeout', String(timeoutS)], {
      allowFail: true,
      timeoutMs: (timeoutS + 5) * 1000,
    });
  }

  async listSas(): Promise<IkeSa[]> {
    const r = await this.swanctl(['--list-sas', '--raw']);
    return parseListSas(r.stdout);
  }

  rekeyChild(child: string): Promise<RunResult> {
    return this.swanctl(['--rekey', '--child', child], { allowFail: true });
  }

  /** `force`: send the DELETE but destroy the IKE_SA at once instead of waiting for the peer's answer. */
  terminateIke(ike: string, opts: { force?: boolean } = {}): Promise<RunResult> {
    return this.swanctl(['--terminate', '--ike', ike, ...(opts.force ? ['--force'] : ['--timeout', '5'])], {
      allowFail: true,
    });
  }
}
