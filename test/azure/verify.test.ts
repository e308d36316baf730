import type { RouteModel } from '../../src/azure/client/model';
import { buildVerifyReport, type VerifyObservations } from '../../src/azure/verify';
import { demoHub, site, vpnOnlyHub } from '../support/hubs';

const bgpRoute = (network: string, peer: string, asPath: string): RouteModel => ({ network, origin: 'EBgp', sourcePeer: peer, nextHop: peer, asPath });

/** Both paths up for the demo hub: what a healthy hub reports. */
function healthy(): VerifyObservations {
  return {
    hub: demoHub(),
    connections: { hq: { exists: true, provisioningState: 'Succeeded', connectionStatus: 'Connected' } },
    vpnPeers: [{ neighbor: '192.168.255.1', asn: 65010, state: 'Connected', localAddress: '10.200.255.254' }],
    vpnRoutes: [{ network: '10.200.0.0/16', origin: 'Network' }, bgpRoute('192.168.0.0/16', '192.168.255.1', '65010')],
    expressRoute: {
      gatewayExists: true,
      connection: { exists: true, provisioningState: 'Succeeded', connectionStatus: 'Connected' },
      routes: [bgpRoute('192.168.0.0/16', '10.200.255.229', '12076 65010')],
    },
  };
}

describe('buildVerifyReport', () => {
  test('both paths up, prefixes learned over both: ready, VPN the backup', () => {
    const r = buildVerifyReport(healthy());
    expect(r.reasons).toEqual([]);
    expect([r.ready, r.failover]).toEqual([true, 'ready']);
    const checks = Object.fromEntries(r.sites[0].checks.map((c) => [c.name, c]));
    expect(Object.keys(checks)).toEqual(['connection', 'bgp peer', 'vpn routes', 'expressroute routes', 'expressroute preferred']);
    expect(checks['expressroute preferred'].detail).toMatch(/VPN is the backup/);
  });

  test('ExpressRoute path down: not ready, traffic on the VPN', () => {
    const o = healthy();
    o.expressRoute!.routes = [];
    const r = buildVerifyReport(o);
    expect([r.ready, r.failover]).toEqual([false, 'on-vpn']);
    expect(r.reasons).toEqual([expect.stringMatching(/^hq: expressroute routes: none: 192\.168\.0\.0\/16 not learned over ExpressRoute \(the ExpressRoute path is down/)]);
  });

  test('BGP peer down and connection not connected are reasons', () => {
    const o = healthy();
    o.connections.hq.connectionStatus = 'NotConnected';
    o.vpnPeers[0].state = 'Connecting';
    o.vpnRoutes = [];
    const r = buildVerifyReport(o);
    expect(r.ready).toBe(false);
    expect(r.failover).toBe('not-ready');
    expect(r.reasons.map((x) => x.split(':').slice(0, 2).join(':'))).toEqual(['hq: connection', 'hq: bgp peer', 'hq: vpn routes']);
  });

  test('a more specific prefix over the VPN would win over ExpressRoute', () => {
    const o = healthy();
    o.hub.sites[0] = site({ addressSpace: ['192.168.0.0/16', '192.168.10.0/24'] });
    o.vpnRoutes.push(bgpRoute('192.168.10.0/24', '192.168.255.1', '65010'));
    const r = buildVerifyReport(o);
    const preferred = r.sites[0].checks.find((c) => c.name === 'expressroute preferred')!;
    expect(preferred.ok).toBe(false);
    expect(preferred.detail).toMatch(/192\.168\.10\.0\/24/);
  });

  test('routes from another peer do not count for the site', () => {
    const o = healthy();
    o.vpnRoutes = [bgpRoute('192.168.0.0/16', '10.9.9.9', '65099')];
    const r = buildVerifyReport(o);
    expect(r.sites[0].checks.find((c) => c.name === 'vpn routes')!.ok).toBe(false);
  });

  test('static site: the local network gateway carries the prefixes', () => {
    const o = healthy();
    o.hub.sites[0] = site({ bgp: undefined });
    o.vpnPeers = [];
    const r = buildVerifyReport(o);
    expect(r.ready).toBe(true);
    expect(r.sites[0].checks.map((c) => c.name)).not.toContain('bgp peer');
  });

  test('missing ExpressRoute connection is named', () => {
    const o = healthy();
    o.expressRoute!.connection = { exists: false };
    o.expressRoute!.routes = [];
    const r = buildVerifyReport(o);
    expect(r.reasons[0]).toMatch(/^expressRoute: connection: connection ra-hybrid-er-cn to the circuit does not exist/);
  });

  test('VPN-only hub: ready without ExpressRoute checks', () => {
    const o = healthy();
    o.hub = vpnOnlyHub();
    delete o.expressRoute;
    const r = buildVerifyReport(o);
    expect([r.ready, r.failover]).toEqual([true, 'vpn-only']);
    expect(r.expressRoute).toBeUndefined();
  });
});
