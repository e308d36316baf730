/** The emulator's self-signed TLS certificate (IP:127.0.0.1 in the SAN), kept in the state dir. */
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { preparePrivateDir, readStateFile, writeStateFile } from './stateDir';

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
  preparePrivateDir(stateDir);
  const cert = readStateFile(certFile);
  const key = readStateFile(keyFile);
  if (cert !== undefined && key !== undefined) return { cert, key, caFile: certFile };
  const made = await createCertificate();
  writeStateFile(keyFile, made.key, 0o600);
  writeStateFile(certFile, made.cert, 0o644);
  return { ...made, caFile: certFile };
}
/** The emulator's self-signed TLS certificate (IP:127.0.0.1 in the SAN), kept in the state dir. */
