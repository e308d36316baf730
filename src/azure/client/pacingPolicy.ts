/**
 * The SDK pipeline policy behind per-request pacing (`pacing.ts`, `runWithRequestPacing`): placed before
 * the SDK's retry policy, it sees what is left once the SDK has given up (a 429 after its attempts, a
 * 5xx, a reset connection) and, inside a paced run, waits as the run's pacing says and sends the same
 * request again. Outside a paced run it does nothing.
 */
import { AzureError } from '../../errors';
import { currentRequestPacing, pacedCall, type PacedWait } from './pacing';

interface PolicyRequest {
  method: string;
  url: string;
}

export interface PacingPolicy {
  name: string;
  sendRequest(request: PolicyRequest, next: (request: PolicyRequest) => Promise<unknown>): Promise<unknown>;
}

export function requestPacingPolicy(): { policy: PacingPolicy; position: 'perCall' } {
  const policy: PacingPolicy = {
    name: 'tunnelsmithRequestPacing',
    sendRequest(request, next) {
      const ctx = currentRequestPacing();
      if (!ctx) return next(request);
      const what = describeRequest(request);
      return pacedCall(
        {
          pacing: ctx.pacing,
          now: ctx.now,
          ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
          throttleTimeoutMs: ctx.throttleTimeoutMs,
          transientTimeoutMs: ctx.transientTimeoutMs,
          onWait: (w) => ctx.onWait?.(what, w),
          giveUp: (e, reason, forMs) => gaveUp(e, reason, forMs, what),
        },
        () => next(request),
      );
    },
  };
  return { policy, position: 'perCall' };
}

/** `PUT virtualNetworkGateways/ra-vgw`, `GET operations`: the method and the end of the path. */
export function describeRequest(r: PolicyRequest): string {
  let segments: string[];
  try {
    segments = new URL(r.url).pathname.split('/').filter(Boolean);
  } catch {
    return r.method;
  }
  const tail = segments.slice(-2);
  if (/^operations|operationResults$/i.test(tail[0] ?? '')) return `${r.method} ${tail[0]}`;
  return `${r.method} ${tail.join('/')}`;
}

function gaveUp(e: unknown, reason: PacedWait['reason'], forMs: number, what: string): Error {
  const status = (e as { statusCode?: number }).statusCode;
  const code = (e as { code?: string }).code;
  return new AzureError(
    reason === 'throttled' ? 'AzureThrottled' : 'AzureUnavailable',
    `${what}: Azure kept ${reason === 'throttled' ? 'throttling (429)' : 'failing (server errors)'} for ${Math.round(forMs / 1000)} s, past the SDK's retries`,
    { ...(status !== undefined ? { statusCode: status } : {}), ...(code ? { azureCode: code } : {}) },
    'run the same command again later: it resumes where it stopped',
    { cause: e },
  );
}
