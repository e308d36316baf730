/**
 * One lab: the namespaces of the Azure gateway and the appliance joined by a veth "internet", a host
 * behind each, optionally a direct ExpressRoute link, and the daemons of both sides. The Azure side is
 * configured from the deployment (AzureFacts, LNG, key); the appliance runs tunnelsmith's rendering.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { STRONGSWAN_TIMERS_FILE } from '../../../src/devices/strongswan/device';
import type { Hub } from '../../../src/hub/types';
import { buildAzureSide, type AzureSideConfig, type LabExpressRoute } from './azureSide';
import { Bird } from './bird';
import { AZURE_HOST, EXPRESSROUTE_LINK, LAB_SITE, ONPREM_HOST } from './cases';
import { Charon } from './charon';
import type { LabDeployment } from './facts';
import { Frr } from './frr';
import { addAddress, addRoute, createNamespace, vethBetween } from './netns';
import { renderOnPrem, type OnPremRender } from './onPrem';
import { run } from './run';
import { LabState } from './state';

/** kernel-libipsec's TUN device: the lab's stand-in for every production tunnel interface. */
export const LAB_TUNNEL_INTERFACE = 'ipsec0';

/** Routing table whose only route is `unreachable default`: what a crashed instance can still send. */
const SILENCE_TABLE = 199;

export interface LabNamespaces {
  azure: string;
  onPrem: string;
  azureHost: string;
  onPremHost: string;
}

export class InteropLab {
  readonly azureCharon: Charon;
  readonly onPremCharon: Charon;
  readonly bird: Bird;
  readonly frr: Frr | undefined;
  /** The Azure side as derived from the deployment. */
  readonly azure: AzureSideConfig;
  /** Measured durations in ms, by name. */
  readonly timings: Record<string, number> = {};

  private constructor(
    readonly state: LabState,
    readonly ns: LabNamespaces,
    readonly hub: Hub,
    readonly deployment: LabDeployment,
    readonly onPrem: OnPremRender,
    readonly expressRoute: LabExpressRoute | undefined,
  ) {
    this.azureCharon = new Charon(state, ns.azure, 'azure');
    // the appliance's retransmission timers are the rendered strongswan.d/tunnelsmith.conf, included
    this.onPremCharon = new Charon(state, ns.onPrem, 'onprem', { strongswanD: { [path.basename(STRONGSWAN_TIMERS_FILE)]: onPrem.charonTimers } });
    this.bird = new Bird(state, ns.azure, 'azure');
    this.frr = onPrem.frrConf !== undefined ? new Frr(state, ns.onPrem, 'onprem') : undefined;
    this.azure = buildAzureSide(this.azureSideInput());
  }

  /** Azure side input for this lab, with optional overrides (negative cases). */
  azureSideInput(overrides: Partial<Parameters<typeof buildAzureSide>[0]> = {}): Parameters<typeof buildAzureSide>[0] {
    return {
      facts: this.deployment.facts,
      siteName: LAB_SITE,
      lng: this.deployment.lngs[LAB_SITE],
      sharedKey: this.deployment.sharedKeys[LAB_SITE],
      tunnelInterface: LAB_TUNNEL_INTERFACE,
      birdLogFile: this.bird.logFile,
      ...(this.expressRoute ? { expressRoute: this.expressRoute, siteAddressSpace: [...this.onPrem.ctx.site.addressSpace] } : {}),
      ...overrides,
    };
  }

  /**
   * Builds the namespaces and links and starts the Azure side (charon responder + BIRD) and the
   * appliance's charon and FRR daemons, without loading the appliance's configuration yet.
   */
  static async create(hub: Hub, deployment: LabDeployment, options: { inputDrop?: boolean } = {}): Promise<InteropLab> {
    const state = LabState.create();
    try {
      const ns: LabNamespaces = {
        azure: await createNamespace(state, 'az'),
        onPrem: await createNamespace(state, 'op'),
        azureHost: await createNamespace(state, 'azh'),
        onPremHost: await createNamespace(state, 'oph'),
      };
      const onPrem = renderOnPrem(hub, deployment, LAB_SITE, LAB_TUNNEL_INTERFACE);
      const expressRoute: LabExpressRoute | undefined =
        deployment.facts.expressRoute?.connected && onPrem.ctx.bgp
          ? {
              azureIp: EXPRESSROUTE_LINK.azureIp,
              onPremIp: EXPRESSROUTE_LINK.onPremIp,
              onPremAsn: onPrem.ctx.bgp.localAsn,
              routesVia: onPrem.ctx.expressRouteRoutesVia === 'bgp' ? 'bgp' : 'static',
            }
          : undefined;
      const lab = new InteropLab(state, ns, hub, deployment, onPrem, expressRoute);
      await lab.wire();
      if (options.inputDrop) await lab.applyInputDropFirewall();
      await lab.startAzureSide();
      await lab.onPremCharon.start();
      if (lab.frr) await lab.frr.start();
      writeFileSync(path.join(state.dir, 'rendered-swanctl.conf'), onPrem.swanctlConf, { mode: 0o600 });
      return lab;
    } catch (e) {
      await state.teardown({ keepDir: process.env.TUNNELSMITH_LAB_KEEP === '1' });
      throw e;
    }
  }

  private async wire(): Promise<void> {
    const { ns } = this;
    const onPremOutside = this.onPrem.ctx.outsideAddress ?? this.onPrem.ctx.site.publicIp;
    // the internet: Azure's public IPs on one side, the appliance's on the other
    await vethBetween(ns.azure, 'wan', ns.onPrem, 'wan');
    for (const inst of this.azure.instances) await addAddress(ns.azure, 'wan', `${inst.publicIp}/32`);
    await addRoute(ns.azure, [`${onPremOutside}/32`, 'dev', 'wan']);
    await addAddress(ns.onPrem, 'wan', `${onPremOutside}/32`);
    for (const inst of this.azure.instances) await addRoute(ns.onPrem, [`${inst.publicIp}/32`, 'dev', 'wan']);
    // Azure's BGP speaker addresses (GatewaySubnet or APIPA), one per instance
    for (const inst of this.azure.instances) if (inst.bgpIp) await addAddress(ns.azure, 'lo', `${inst.bgpIp}/32`);
    // a host in the VNet and one on-prem
    await vethBetween(ns.azure, 'lan', ns.azureHost, 'eth0');
    await addAddress(ns.azure, 'lan', `${AZURE_HOST.gateway}/${AZURE_HOST.prefixLength}`);
    await addAddress(ns.azureHost, 'eth0', `${AZURE_HOST.ip}/${AZURE_HOST.prefixLength}`);
    await addRoute(ns.azureHost, ['default', 'via', AZURE_HOST.gateway]);
    await vethBetween(ns.onPrem, 'lan', ns.onPremHost, 'eth0');
    await addAddress(ns.onPrem, 'lan', `${ONPREM_HOST.gateway}/${ONPREM_HOST.prefixLength}`);
    await addAddress(ns.onPremHost, 'eth0', `${ONPREM_HOST.ip}/${ONPREM_HOST.prefixLength}`);
    await addRoute(ns.onPremHost, ['default', 'via', ONPREM_HOST.gateway]);
    if (this.expressRoute) {
      await vethBetween(ns.azure, 'er', ns.onPrem, 'er');
      await addAddress(ns.azure, 'er', `${this.expressRoute.azureIp}/${EXPRESSROUTE_LINK.prefixLength}`);
      await addAddress(ns.onPrem, 'er', `${this.expressRoute.onPremIp}/${EXPRESSROUTE_LINK.prefixLength}`);
    }
  }

  private async startAzureSide(): Promise<void> {
    await this.azureCharon.start();
    await this.azureCharon.load(this.azure.swanctlConf, 'azure.conf');
    await this.bird.writeConfig(this.azure.birdConf);
    await this.bird.start();
  }

  /** Replaces the Azure side's strongSwan config (negative cases), keeping BIRD as it is. */
  async reloadAzureSwanctl(conf: string): Promise<void> {
    for (const sa of await this.azureCharon.listSas()) await this.azureCharon.terminateIke(sa.name, { force: true });
    await this.azureCharon.load(conf, 'azure.conf');
  }

  /**
   * Takes Azure instance `index` away. `planned`: the internet stops reaching the instance, then it closes
   * its BGP session (Cease) and deletes its IKE_SA (the appliance gets the DELETE; its answers go nowhere).
   * `crash`: nothing more leaves the instance (its public IP and BGP address fall silent) and it loses its
   * state; the appliance must notice by itself (DPD, BGP hold timer).
   */
  async loseInstance(index: number, mode: 'planned' | 'crash'): Promise<void> {
    const inst = this.instance(index);
    if (mode === 'crash') {
      for (const src of [inst.publicIp, inst.bgpIp].filter((x): x is string => x !== undefined)) {
        await run(['ip', 'rule', 'add', 'from', src, 'lookup', String(SILENCE_TABLE), 'pref', '100'], { ns: this.ns.azure });
      }
      await run(['ip', 'route', 'replace', 'unreachable', 'default', 'table', String(SILENCE_TABLE)], { ns: this.ns.azure });
    }
    await addRoute(this.ns.onPrem, ['unreachable', `${inst.publicIp}/32`]);
    if (inst.bgpProtocol) await this.bird.disable(inst.bgpProtocol);
    // planned: the DELETE goes out, but the instance does not wait for an answer it could no longer receive
    await this.azureCharon.terminateIke(inst.connection, { force: true });
  }

  /** Brings instance `index` back: reachable again, its BGP speaker enabled; Azure does not initiate IKE. */
  async restoreInstance(index: number): Promise<void> {
    const inst = this.instance(index);
    for (const src of [inst.publicIp, inst.bgpIp].filter((x): x is string => x !== undefined)) {
      await run(['ip', 'rule', 'del', 'from', src, 'lookup', String(SILENCE_TABLE)], { ns: this.ns.azure, allowFail: true });
    }
    await addRoute(this.ns.onPrem, [`${inst.publicIp}/32`, 'dev', 'wan']);
    if (inst.bgpProtocol) await this.bird.enable(inst.bgpProtocol);
  }

  private instance(index: number) {
    const inst = this.azure.instances.find((i) => i.index === index);
    if (!inst) throw new Error(`no Azure instance ${index}`);
    return inst;
  }

  /** Runs the rendered tunnel-setup.sh (interface names rewritten) with `routes`: the static routes only. */
  async applyRenderedRoutes(): Promise<void> {
    await run(['sh', this.writeTunnelSetup(), 'routes'], { ns: this.ns.onPrem });
  }

  /**
   * The appliance's INPUT chain drops by default, and only the rendered `tunnel-setup.sh firewall` openings
   * (interface names rewritten) accept anything: no loopback rule, no rule of the lab's own.
   */
  async applyInputDropFirewall(): Promise<void> {
    await run(['iptables', '-t', 'filter', '-F', 'INPUT'], { ns: this.ns.onPrem });
    await run(['iptables', '-t', 'filter', '-P', 'INPUT', 'DROP'], { ns: this.ns.onPrem });
    await run(['sh', this.writeTunnelSetup(), 'firewall'], { ns: this.ns.onPrem });
  }

  /** The appliance's INPUT chain: its policy and each rule's packet count, as `iptables -S`-style rule text. */
  async inputChain(): Promise<{ policy: string; rules: { rule: string; packets: number }[] }> {
    const r = await run(['iptables', '-t', 'filter', '-L', 'INPUT', '-v', '-n', '-x'], { ns: this.ns.onPrem });
    const policy = /^Chain INPUT \(policy (\w+)/m.exec(r.stdout)?.[1] ?? '';
    const listed = await run(['iptables', '-t', 'filter', '-S', 'INPUT'], { ns: this.ns.onPrem });
    const specs = listed.stdout.split('\n').filter((l) => l.startsWith('-A INPUT '));
    const counts = r.stdout.split('\n').slice(2).filter((l) => l.trim() !== '').map((l) => Number(l.trim().split(/\s+/)[0]));
    return { policy, rules: specs.map((rule, i) => ({ rule, packets: counts[i] ?? 0 })) };
  }

  private writeTunnelSetup(): string {
    const file = path.join(this.state.dir, 'tunnel-setup.sh');
    writeFileSync(file, this.onPrem.tunnelSetup, { mode: 0o700 });
    return file;
  }

  async teardown(): Promise<void> {
    await this.state.teardown({ keepDir: process.env.TUNNELSMITH_LAB_KEEP === '1' });
  }
}
