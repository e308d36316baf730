/**
 * Orders strings by their UTF-16 code units: the same order on every machine, whatever its locale (a
 * `localeCompare` follows the process's ICU locale), and no collator to set up at start-up.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
