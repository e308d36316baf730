/** The emulator's self-signed TLS certificate (IP:127.0.0.1 in the SAN), kept in the state dir. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface Certificate {
  cert: string;
  key: string;
  /** Path of the PEM to trust, when kept in a state dir. */
  caFile?: string;
}

const CERT_FILE = 'ca.pem';
const KEY_FILE = 'key.pem';

async function createCertificate(): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 5 * 365 * 86400_000);
  const pems = await generate([{ name: 'commonName', value: 'tunnelsmith ARM emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Loads the certificate from `stateDir`, or makes one (and keeps it there when a dir is given). */
export async function loadOrCreateCertificate(stateDir?: string): Promise<Certificate> {
  if (!stateDir) return createCertificate();
  const certFile = join(stateDir, CERT_FILE);
  const keyFile = join(stateDir, KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), caFile: certFile };
  }
  const made = await createCertificate();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  writeFileSync(certFile, made.cert, { mode: 0o644 });
  return { ...made, caFile: certFile };
}
