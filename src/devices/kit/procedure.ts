/**
 * How the on-prem engineer applies, verifies and rolls back a device's files: the handoff README's
 * per-device procedure. Each device writes its own (`<id>/procedure.ts`); file names come from the
 * render plan, never assumed. Pure.
 */

export interface DeviceProcedure {
  before: string[];
  apply: string[];
  verify: string[];
  rollback: string[];
}

export interface ProcedureInput {
  /** Paths relative to the site folder, e.g. `cisco-ios/azure-vpn.cfg`. */
  files: string[];
  bgp: boolean;
  tunnels: number;
}

/** The files as inline code, comma-separated: `` `a`, `b` ``. */
export function codeList(files: string[]): string {
  return files.map((f) => `\`${f}\``).join(', ');
}
