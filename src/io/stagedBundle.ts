/**
 * Does the staged bundle (what `rotate-key prepare` wrote to `out/next/<site>`) carry a key? It must be
 * complete and as tunnelsmith wrote it (every file its manifest lists, with its checksum, read without
 * following a link), and carry the key: each device file holding the key has it, or, redacted, the
 * separate `<site>.key` holds it. `rotate-key apply` sets a new key only when this holds.
 */
import path from 'node:path';
import { sha256, type Manifest } from '../bundle/manifest';
import { isAppError } from '../errors';
import { lstatIfExists, readFileNoFollow } from './noFollow';
import { isProducedPath, readManifest } from './writeBundle';

/** Undefined when `<outDir>/<site>` carries `key`; else what is wrong, in words (never the key). */
export async function checkStagedBundle(outDir: string, site: string, key: string): Promise<string | undefined> {
  const dir = path.join(outDir, site);
  const st = lstatIfExists(dir);
  if (!st) return `is missing (${dir})`;
  if (st.isSymbolicLink()) return `is a symbolic link (${dir}), never a bundle tunnelsmith wrote`;
  let manifest: Manifest | undefined;
  try {
    manifest = await readManifest(dir);
  } catch (e) {
    if (isAppError(e)) return `cannot be read (${e.message})`;
    throw e;
  }
  if (!manifest || manifest.site !== site) return `in ${dir} has no manifest.json of site ${site} written by tunnelsmith`;
  let secretFiles = 0;
  for (const entry of manifest.files) {
    if (!isProducedPath(entry.path)) return `in ${dir} lists ${JSON.stringify(String(entry.path)).slice(0, 80)}, which tunnelsmith never writes`;
    let content: Buffer | undefined;
    try {
      content = readFileNoFollow(path.join(dir, entry.path));
    } catch {
      return `in ${dir} has ${entry.path} as something other than a file`;
    }
    if (content === undefined) return `in ${dir} is incomplete: ${entry.path} is missing`;
    const text = content.toString('utf8');
    if (sha256(text) !== entry.sha256) return `in ${dir} is not as tunnelsmith wrote it: ${entry.path} differs from its manifest`;
    // The device files that hold the key (the handoff page escapes what it shows).
    if (!manifest.redacted && entry.secret && entry.path.includes('/')) {
      secretFiles++;
      if (!text.includes(key)) return `in ${dir} does not carry the prepared key (${entry.path} holds another)`;
    }
  }
  if (manifest.redacted) {
    const keyFile = path.join(outDir, `${site}.key`);
    let held: string | undefined;
    try {
      held = readFileNoFollow(keyFile, { maxBytes: 4096 })?.toString('utf8').replace(/\r?\n$/, '');
    } catch {
      return `is redacted and its key file ${keyFile} cannot be read`;
    }
    if (held === undefined) return `is redacted and its key file ${keyFile} is missing`;
    if (held !== key) return `is redacted and its key file ${keyFile} holds another key than the prepared one`;
    return undefined;
  }
  if (secretFiles === 0) return `in ${dir} holds no device file with a key`;
  return undefined;
}
