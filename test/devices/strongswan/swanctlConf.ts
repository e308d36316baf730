/**
 * A small reader for the strongswan.conf-style syntax swanctl.conf uses (sections `name { ... }`,
 * settings `key = value`, `#` comments outside quotes), so tests can assert on meaning instead of text.
 */
export type ConfSection = { [key: string]: string | ConfSection };

function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    if (line[i] === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}

/** Parses swanctl.conf text; throws on anything it does not understand (which a test should notice). */
export function parseSwanctlConf(text: string): ConfSection {
  const root: ConfSection = {};
  const stack: ConfSection[] = [root];
  text.split('\n').forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    const top = stack[stack.length - 1];
    let m: RegExpExecArray | null;
    if ((m = /^([A-Za-z0-9_.-]+)\s*\{$/.exec(line))) {
      if (m[1] in top) throw new Error(`line ${i + 1}: duplicate section ${m[1]}`);
      const section: ConfSection = {};
      top[m[1]] = section;
      stack.push(section);
    } else if (line === '}') {
      if (stack.length === 1) throw new Error(`line ${i + 1}: unbalanced }`);
      stack.pop();
    } else if ((m = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line))) {
      if (m[1] in top) throw new Error(`line ${i + 1}: duplicate key ${m[1]}`);
      top[m[1]] = m[2];
    } else {
      throw new Error(`line ${i + 1}: cannot read "${line}"`);
    }
  });
  if (stack.length !== 1) throw new Error('unclosed section');
  return root;
}

/** The section at a path, failing loudly when it is missing or a setting. */
export function section(conf: ConfSection, ...path: string[]): ConfSection {
  let node: string | ConfSection = conf;
  for (const part of path) {
    if (typeof node === 'string' || !(part in node)) throw new Error(`no section ${path.join('.')}`);
    node = node[part];
  }
  if (typeof node === 'string') throw new Error(`${path.join('.')} is a setting, not a section`);
  return node;
}
