/**
 * strongswan.d/tunnelsmith.conf: charon's retransmission timers follow the site's DPD timeout, so a
 * silent Azure instance is declared dead within that timeout. The detection time is recomputed here
 * from the rendered values with charon's own rule (wait timeout * base^n after send n, n = 0..tries,
 * truncated to ms), not with the product's helper.
 */
import { STRONGSWAN_TIMERS_FILE, strongswan } from '../../../src/devices/strongswan/device';
import { buildStrongswanView } from '../../../src/devices/strongswan/view';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { contextFor, type Shape } from './contexts';
import { parseSwanctlConf, section, type ConfSection } from './swanctlConf';

function render(shape: Shape): Record<string, string> {
  const result = renderDeviceFiles(contextFor(strongswan, shape), strongswan);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return Object.fromEntries(result.files.map((f) => [f.path, f.content]));
}

/** charon's give-up time in ms for the given settings (task_manager_v2: uint32 ms per wait). */
/** charon counts idle time in whole seconds: the DPD request may leave up to 1 s after dpd_delay. */
const DPD_LATE_MS = 1000;

function charonGiveUpMs(timeoutS: number, base: number, tries: number): number {
  let total = 0;
  for (let n = 0; n <= tries; n++) total += Math.floor(timeoutS * 1000 * Math.pow(base, n));
  return total;
}

function seconds(value: string, unit = ''): number {
  expect(value).toMatch(new RegExp(`^\\d+(\\.\\d+)?${unit}$`));
  return Number(value.slice(0, value.length - unit.length));
}

interface Rendered {
  dpdDelayS: number;
  timeoutS: number;
  base: number;
  tries: number;
  charon: ConfSection;
  text: string;
}

function rendered(dpdTimeoutSeconds: number): Rendered {
  const files = render({ dpdTimeoutSeconds });
  const text = files[STRONGSWAN_TIMERS_FILE];
  const charon = section(parseSwanctlConf(text), 'charon');
  const conn = section(parseSwanctlConf(files['swanctl.conf']), 'connections', 'hq-azure1');
  return {
    dpdDelayS: seconds(String(conn.dpd_delay), 's'),
    timeoutS: seconds(String(charon.retransmit_timeout)),
    base: seconds(String(charon.retransmit_base)),
    tries: Number(charon.retransmit_tries),
    charon,
    text,
  };
}

const DPD_TIMEOUTS = [9, 10, 11, 12, 15, 20, 30, 45, 60, 90, 120, 300, 600, 1800, 3600];

describe('strongswan.d/tunnelsmith.conf: charon retransmission timers', () => {
  test('only the charon section, with exactly the three documented retransmission settings', () => {
    const conf = parseSwanctlConf(rendered(45).text);
    expect(Object.keys(conf)).toEqual(['charon']);
    expect(Object.keys(section(conf, 'charon')).sort()).toEqual(['retransmit_base', 'retransmit_timeout', 'retransmit_tries']);
  });

  test.each(DPD_TIMEOUTS)('DPD timeout %i s: a silent peer is declared dead within it (DPD delay, up to 1 s late start, retransmissions)', (dpd) => {
    const r = rendered(dpd);
    const giveUpMs = charonGiveUpMs(r.timeoutS, r.base, r.tries);
    const detectionMs = r.dpdDelayS * 1000 + giveUpMs;
    expect(detectionMs + DPD_LATE_MS).toBeLessThanOrEqual(dpd * 1000);
    // sane for IKE over the Internet: a first wait of 1..4 s, at least two retransmissions, never more than charon's 5
    expect(r.timeoutS).toBeGreaterThanOrEqual(1);
    expect(r.timeoutS).toBeLessThanOrEqual(4);
    expect(r.tries).toBeGreaterThanOrEqual(2);
    expect(r.tries).toBeLessThanOrEqual(5);
    expect(r.base).toBeGreaterThan(1);
    // and much faster than charon's defaults (4 s, 1.8, 5 tries)
    expect(giveUpMs).toBeLessThan(charonGiveUpMs(4, 1.8, 5));
    // the header states the detection time the values give, and that they are global
    expect(r.text).toContain(`about ${Math.round(detectionMs / 100) / 10} s after the instance fell silent (up to 1 s more: charon counts idle time in whole seconds), within Azure's ${dpd} s DPD timeout`);
    expect(r.text).toMatch(/# GLOBAL: these are charon settings.*EVERY connection of this charon/);
  });

  test('the budget is used, not wasted: up to 90 s of DPD timeout the detection time is at least 80% of it', () => {
    for (let dpd = 9; dpd <= 90; dpd++) {
      const view = buildStrongswanView(contextFor(strongswan, { dpdTimeoutSeconds: dpd }), strongswan);
      const giveUpMs = charonGiveUpMs(Number(view.retransmit.timeout), Number(view.retransmit.base), view.retransmit.tries);
      const detectionMs = view.dpd.delaySeconds * 1000 + giveUpMs;
      expect([dpd, detectionMs + DPD_LATE_MS <= dpd * 1000]).toEqual([dpd, true]);
      expect([dpd, detectionMs >= 0.8 * dpd * 1000]).toEqual([dpd, true]);
    }
  });

  test('every DPD timeout Azure accepts (9..3600 s) gives a detection time within it', () => {
    for (let dpd = 9; dpd <= 3600; dpd++) {
      const view = buildStrongswanView(contextFor(strongswan, { dpdTimeoutSeconds: dpd }), strongswan);
      const detectionMs = view.dpd.delaySeconds * 1000 + charonGiveUpMs(Number(view.retransmit.timeout), Number(view.retransmit.base), view.retransmit.tries);
      if (detectionMs + DPD_LATE_MS > dpd * 1000) throw new Error(`DPD timeout ${dpd} s: detection ${detectionMs} ms`);
    }
  });

  test('longer DPD timeouts never give a faster give-up than shorter ones by more than a rounding step', () => {
    let previous = 0;
    for (let dpd = 9; dpd <= 300; dpd++) {
      const v = buildStrongswanView(contextFor(strongswan, { dpdTimeoutSeconds: dpd }), strongswan).retransmit;
      const giveUpMs = charonGiveUpMs(Number(v.timeout), Number(v.base), v.tries);
      expect([dpd, giveUpMs >= previous * 0.9]).toEqual([dpd, true]);
      previous = Math.max(previous, giveUpMs);
    }
  });

  test('the same file for static and BGP, single and active-active sites with the same DPD timeout: only the values move', () => {
    const body = (shape: Shape) => render(shape)[STRONGSWAN_TIMERS_FILE].split('\n').filter((l) => !l.startsWith('#')).join('\n');
    const base = body({ dpdTimeoutSeconds: 45 });
    expect(body({ dpdTimeoutSeconds: 45, bgp: 'multihop', activeActive: true })).toBe(base);
    expect(body({ dpdTimeoutSeconds: 45, bgp: 'apipa', nat: true })).toBe(base);
    expect(body({ dpdTimeoutSeconds: 9 })).not.toBe(base);
  });

  test('swanctl.conf no longer points at charon defaults; it names the timers file and its give-up time', () => {
    const files = render({ dpdTimeoutSeconds: 45 });
    const r = rendered(45);
    const giveUpS = Math.round(charonGiveUpMs(r.timeoutS, r.base, r.tries) / 100) / 10;
    expect(files['swanctl.conf']).not.toMatch(/165 s by default/);
    expect(files['swanctl.conf']).toContain(`strongswan.d/tunnelsmith.conf sets charon's retransmission timers so that takes ${giveUpS} s`);
  });
});
