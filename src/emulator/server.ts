/**
 * The HTTPS listeners: authentication, throttling, fault injection, the request log, and dispatch to
 * ARM, Key Vault and the control routes. Every socket is tracked so `close` leaves nothing open.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleArm, type ArmMeta } from './arm';
import type { EmulatorContext } from './context';
import { type Control, handleControl } from './control';
import type { FaultInjector, Throttle } from './faults';
import { ArmError, bearerToken, errorResult, type HandlerResult, parseJsonBody, type ParsedRequest, readBody, sendResult } from './http';
import { handleVault, vaultAuthFailure } from './keyvault';
import type { RequestLog } from './requestLog';
import type { TokenCheck, TokenRegistry } from './tokens';
import type { FaultKind, RequestLogEntry } from './types';

export interface ServerDeps {
  ctx: EmulatorContext;
  control: Control;
  faults: FaultInjector;
  throttle: Throttle;
  log: RequestLog;
  tokens: TokenRegistry;
  vaultEndpoint: () => string;
}

export interface Listener {
  server: https.Server;
  port: number;
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 that tracks its sockets. */
export function listen(tls: { cert: string; key: string }, port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listener> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A client that gives up mid-handshake must not crash the emulator.
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        server,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
            sockets.clear();
          }),
      });
    });
  });
}

async function parse(req: IncomingMessage): Promise<ParsedRequest & { rawPath: string }> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const text = await readBody(req);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  return { method: (req.method ?? 'GET').toUpperCase(), path, rawPath: url.pathname, query: url.searchParams, headers: req.headers, body: text ? parseJsonBody(text) : undefined };
}

function internalError(e: unknown): HandlerResult {
  const message = e instanceof Error ? e.message : String(e);
  return { status: 500, body: { error: { code: 'InternalServerError', message: `The emulator failed: ${message}` } } };
}

const ARM_CHALLENGE = 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"';

/** ARM's 401 answers: no token, an unknown one, one for another audience, an expired one. */
export function armAuthFailure(check: Exclude<TokenCheck, { ok: true }>, now: number): HandlerResult {
  const error = (() => {
    switch (check.reason) {
      case 'missing':
        return { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." };
      case 'audience':
        return {
          code: 'InvalidAuthenticationTokenAudience',
          message: `The access token has been obtained for wrong audience or resource '${check.found}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
        };
      case 'expired':
        return {
          code: 'ExpiredAuthenticationToken',
          message: `The access token expiry UTC time '${new Date(check.expiredAt).toISOString()}' is earlier than current UTC time '${new Date(now).toISOString()}'.`,
        };
      default:
        return { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
    }
  })();
  return { status: 401, headers: { 'WWW-Authenticate': ARM_CHALLENGE }, body: { error } };
}

/** Builds the request handler of one listener (`arm` also serves /__emulator/). */
export function makeHandler(deps: ServerDeps, service: 'arm' | 'vault'): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const time = new Date(started).toISOString();
    let logged: { kind?: string; fault?: FaultKind | 'throttled'; path: string } = { path: (req.url ?? '/').split('?')[0] };
    const finish = (result: HandlerResult) => {
      deps.ctx.store.flush();
      if (req.method === 'HEAD') result = { ...result, body: undefined };
      sendResult(res, result);
      record(result.status);
    };
    const record = (status: number) => {
      if (logged.path.startsWith('/__emulator')) return;
      const entry: RequestLogEntry = { time, service, method: req.method ?? 'GET', path: logged.path, status, durationMs: Date.now() - started };
      if (logged.fault) entry.fault = logged.fault;
      deps.log.record(entry, logged.kind);
    };
    void (async () => {
      let parsed: Awaited<ReturnType<typeof parse>>;
      try {
        parsed = await parse(req);
      } catch (e) {
        finish(e instanceof ArmError ? errorResult(e) : internalError(e));
        return;
      }
      logged = { path: parsed.path };
      try {
        const check = deps.tokens.check(bearerToken(parsed.headers), service);
        if (!check.ok) {
          finish(service === 'arm' ? armAuthFailure(check, Date.now()) : vaultAuthFailure(check));
          return;
        }
        if (service === 'arm' && parsed.path.startsWith('/__emulator')) {
          finish(handleControl(deps.control, parsed));
          return;
        }
        const sub = /^\/subscriptions\/([^/]+)/i.exec(parsed.path)?.[1];
        if (sub) {
          const wait = deps.throttle.check(sub, Date.now());
          if (wait !== undefined) {
            logged.fault = 'throttled';
            finish({
              status: 429,
              headers: { 'Retry-After': String(wait) },
              body: { error: { code: 'SubscriptionRequestsThrottled', message: `Number of requests for subscription '${sub}' exceeded the limit. Please try again after '${wait}' seconds.` } },
            });
            return;
          }
        }
        const fault = deps.faults.onRequest(parsed.method, parsed.path);
        if (fault) {
          logged.fault = fault.kind;
          if (fault.kind === 'reset') {
            record(0);
            req.socket.destroy();
            return;
          }
          finish({ status: fault.status, headers: fault.headers, body: fault.body });
          return;
        }
        if (service === 'vault') {
          logged.kind = `${parsed.method} secrets`;
          finish(handleVault(deps.ctx, deps.vaultEndpoint(), parsed));
          return;
        }
        const meta: ArmMeta = { kind: `${parsed.method} other` };
        let result: HandlerResult;
        try {
          result = handleArm(deps.ctx, parsed, meta);
        } catch (e) {
          result = e instanceof ArmError ? errorResult(e) : internalError(e);
        }
        logged.kind = meta.kind;
        finish(result);
      } catch (e) {
        finish(e instanceof ArmError ? errorResult(e) : internalError(e));
      }
    })();
  };
}
