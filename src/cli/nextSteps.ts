/**
 * The `next:` lines after a command that leaves work for someone else: what to send to whom, and what
 * to run then (after `deploy --out`, `rotate-key prepare` and `rotate-key apply`). Pure: paths come in
 * as they are to be shown.
 */
import type { SecretRef } from '../hub/types';
import { writeLine, type CliIO } from './command';

/** A site's handoff as written: its folder, the devices in it, and the separate key and archive. */
export interface Handoff {
  site: string;
  dir: string;
  devices: string[];
  keyFile?: string;
  archive?: string;
}

/** `--file F ` when the hub file was named, so the printed commands run as they are. */
export function fileFlag(file: string | undefined): string {
  return file !== undefined ? `--file ${file} ` : '';
}

/** After `deploy --out`: each site's folder to its team, then verify (or deploy again while the circuit waits). */
export function handoffSteps(handoffs: readonly Handoff[], file: string | undefined, waitingForCircuit: boolean): string[] {
  const steps: string[] = [];
  for (const h of handoffs) {
    steps.push(`send ${h.dir}/ to the team of site ${h.site} (${h.devices.join(', ')}): they apply it as ${h.dir}/README.md says${h.archive ? ` (or send ${h.archive}, the same folder as one file)` : ''}`);
    if (h.keyFile) steps.push(`send ${h.keyFile} to them through another channel: it is the shared key the files leave out`);
  }
  if (waitingForCircuit) steps.push(`once the provider has provisioned the circuit: tunnelsmith deploy ${fileFlag(file)}(it connects it), then tunnelsmith verify ${fileFlag(file)}`.trimEnd());
  else steps.push(`once the devices are configured: tunnelsmith verify ${fileFlag(file)}`.trimEnd());
  return steps;
}

/** A site a rotation step went through: where its bundle is, and its key reference in the hub file. */
export interface RotatedSite {
  site: string;
  /** The bundle folder (prepare writes it, apply set the key it carries). */
  bundleDir: string;
  keyFile?: string;
  keyRef?: SecretRef;
}

/** After `rotate-key prepare`: each staged bundle to its site's team, and the window's command. */
export function afterPrepareSteps(sites: readonly RotatedSite[], file: string | undefined): string[] {
  if (sites.length === 0) return [];
  const steps = sites.map((s) => `send ${s.bundleDir}/ to the team of site ${s.site}${s.keyFile ? ` (and ${s.keyFile}, the new key, through another channel)` : ''}: they stage it as its README.md says, but do not apply it yet`);
  steps.push(`in the maintenance window, with them on the line: tunnelsmith rotate-key apply ${fileFlag(file)}${siteFlags(sites)}`);
  return steps;
}

/** After `rotate-key apply`: each device must take the new key now; a hub reference must follow; the way back. */
export function afterApplySteps(sites: readonly RotatedSite[], file: string | undefined): string[] {
  if (sites.length === 0) return [];
  const steps = sites.map((s) => `the VPN of site ${s.site} is down until its device has the new key: its team applies ${s.bundleDir}/ now (its README.md says how)`);
  steps.push(`then: tunnelsmith verify ${fileFlag(file)}(or tunnelsmith rotate-key status ${fileFlag(file)}${siteFlags(sites)})`);
  for (const s of sites) {
    const show = `tunnelsmith rotate-key status ${fileFlag(file)}--site ${s.site} --show-secret shows it`;
    if (s.keyRef && 'env' in s.keyRef) steps.push(`put the new key of site ${s.site} into ${s.keyRef.env} (${show}): render --facts stops on a stale reference`);
    if (s.keyRef && 'file' in s.keyRef) steps.push(`write the new key of site ${s.site} into ${s.keyRef.file} (${show}): render --facts stops on a stale reference`);
  }
  const one = sites.length === 1 ? sites[0]!.site : 'SITE';
  steps.push(`a device that cannot take it: tunnelsmith rotate-key rollback ${fileFlag(file)}--site ${one} (the previous key back on Azure)`);
  return steps;
}

function siteFlags(sites: readonly RotatedSite[]): string {
  return sites.map((s) => `--site ${s.site}`).join(' ');
}

/** `next: ...` lines on stdout (with --json the steps are the result's `next` field instead). */
export function printNext(io: CliIO, steps: readonly string[]): void {
  for (const s of steps) writeLine(io.stdout, `next: ${s}`);
}
