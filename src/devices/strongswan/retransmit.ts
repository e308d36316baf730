/**
 * charon's IKEv2 retransmission timers (strongswan.conf `charon.retransmit_*`), chosen so that a silent
 * Azure instance is declared dead within the site's DPD timeout. With IKEv2 charon has no DPD timeout
 * of its own: after `dpd_delay` without inbound traffic it sends a DPD request and retransmits it like
 * any IKE request; the peer is dead when the last retransmission goes unanswered. charon waits
 * `timeout * base^n` after send n (n = 0..tries), each wait truncated to whole milliseconds. Pure.
 */

/**
 * charon measures idle time in whole seconds, so the DPD request may leave up to about 1 s after
 * dpd_delay: the retransmissions get the DPD timeout minus the delay minus this.
 */
export const DPD_SCHEDULING_SLACK_MS = 1000;

/** charon's own defaults: about 165 s of retransmissions before a silent peer is declared dead. */
export const CHARON_DEFAULT_RETRANSMIT = { timeoutSeconds: 4, base: 1.8, tries: 5 } as const;

/**
 * Growth between retransmissions. Gentler than charon's 1.8, so several retransmissions fit into the
 * shortest DPD timeout Azure allows (9 s) while the later ones still back off.
 */
export const RETRANSMIT_BASE = 1.4;
/** The first wait never drops below 1 s (an Internet round trip to Azure stays well under that). */
export const MIN_RETRANSMIT_TIMEOUT_MS = 1000;
/** Never a longer first wait or more retransmissions than charon's defaults. */
export const MAX_RETRANSMIT_TIMEOUT_MS = CHARON_DEFAULT_RETRANSMIT.timeoutSeconds * 1000;
export const MAX_RETRANSMIT_TRIES = CHARON_DEFAULT_RETRANSMIT.tries;
/** The timeout is written with one decimal. */
const TIMEOUT_STEP_MS = 100;

export interface RetransmitTimers {
  /** `charon.retransmit_timeout`, in ms (a multiple of 100; written in seconds with one decimal). */
  timeoutMs: number;
  /** `charon.retransmit_base`. */
  base: number;
  /** `charon.retransmit_tries`: retransmissions after the first send. */
  tries: number;
}

/** The waits charon makes after each send, in ms (tries + 1 of them), truncated as charon does. */
export function retransmitWaitsMs(t: RetransmitTimers): number[] {
  return Array.from({ length: t.tries + 1 }, (_, n) => Math.floor(t.timeoutMs * Math.pow(t.base, n)));
}

/** Time from the first send of a request until charon gives up on an unanswering peer, in ms. */
export function retransmitTotalMs(t: RetransmitTimers): number {
  return retransmitWaitsMs(t).reduce((a, b) => a + b, 0);
}

/**
 * The timers for a budget (ms from the first DPD request until the peer must be declared dead): base
 * {@link RETRANSMIT_BASE}, as many retransmissions (up to charon's 5) as fit with a first wait of at
 * least 1 s, and the longest first wait (up to charon's 4 s, in 0.1 s steps) that keeps the total within
 * the budget. A budget below the smallest schedule (1 s, one retransmission: 2.4 s) still gets that one.
 */
export function retransmitTimersFor(budgetMs: number): RetransmitTimers {
  const sumOfPowers = (tries: number) => Array.from({ length: tries + 1 }, (_, n) => Math.pow(RETRANSMIT_BASE, n)).reduce((a, b) => a + b, 0);
  let tries = 1;
  while (tries < MAX_RETRANSMIT_TRIES && MIN_RETRANSMIT_TIMEOUT_MS * sumOfPowers(tries + 1) <= budgetMs) tries++;
  const fitting = Math.floor(budgetMs / sumOfPowers(tries) / TIMEOUT_STEP_MS) * TIMEOUT_STEP_MS;
  let timeoutMs = Math.min(MAX_RETRANSMIT_TIMEOUT_MS, Math.max(MIN_RETRANSMIT_TIMEOUT_MS, fitting));
  // guard against floating-point rounding: charon's own arithmetic must stay within the budget
  while (timeoutMs > MIN_RETRANSMIT_TIMEOUT_MS && retransmitTotalMs({ timeoutMs, base: RETRANSMIT_BASE, tries }) > budgetMs) timeoutMs -= TIMEOUT_STEP_MS;
  return { timeoutMs, base: RETRANSMIT_BASE, tries };
}
