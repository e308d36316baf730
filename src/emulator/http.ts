/** Small HTTP helpers shared by the ARM, Key Vault and control handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answered in ARM shape `{"error":{"code","message"}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ParsedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingMessage['headers'];
}

const MAX_BODY = 4 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ArmError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
}

export function sendResult(res: ServerResponse, result: HandlerResult): void {
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  let payload: string | undefined;
  if (result.body !== undefined && result.status !== 204) {
    payload = JSON.stringify(result.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  } else {
    headers['Content-Length'] = '0';
  }
  res.writeHead(result.status, headers);
  res.end(payload);
}

export function errorResult(e: ArmError): HandlerResult {
  return { status: e.status, body: { error: { code: e.code, message: e.message } }, headers: e.headers };
}

/** A plain object, or an ArmError naming where the object was expected. */
export function asObject(v: unknown, where: string): Record<string, any> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request: ${where} must be an object.`);
  }
  return v as Record<string, any>;
}

export function bearerToken(headers: IncomingMessage['headers']): string | undefined {
  const h = headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1] : undefined;
}
