/** The stem of the object names a device config creates for one site. Pure. */

/**
 * A short, stable stem from the site name: `az-<site>` when the site name has at most 14 characters,
 * else its first 9 characters and a 4-hex-digit FNV-1a hash of the whole name (distinct sites stay distinct).
 */
export function objectNameStem(siteName: string): string {
  if (siteName.length <= 14) return `az-${siteName}`;
  const head = siteName.slice(0, 9).replace(/-+$/, '');
  return `az-${head}-${fnv1a(siteName).toString(16).padStart(8, '0').slice(0, 4)}`;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
