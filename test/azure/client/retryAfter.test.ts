/** The Retry-After a throttled answer carries, kept on the mapped error (src/azure/client/errors.ts). */
import { isThrottled, retryAfterMsFromHeaders, retryAfterMsOf, toAzureError, withHubField } from '../../../src/azure/client/errors';
import { AzureError } from '../../../src/errors';

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

function restError(status: number, h: Record<string, string>) {
  return { name: 'RestError', statusCode: status, code: 'SubscriptionRequestsThrottled', message: 'Number of requests exceeded the limit.', response: { headers: { get: headers(h) } } };
}

describe('Retry-After on Azure errors', () => {
  it('reads retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMsFromHeaders(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMsFromHeaders(headers({ 'x-ms-retry-after-ms': '40' }), now)).toBe(40);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '17' }), now)).toBe(17_000);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '0' }), now)).toBe(0);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(headers({}), now)).toBeUndefined();
  });

  it('a 429 the SDK gave up on is mapped with its status, Azure code and Retry-After', () => {
    const e = toAzureError(restError(429, { 'retry-after': '3' }), { operation: 'get shared key', resource: 'cn-hq' }) as AzureError;
    expect(e).toBeInstanceOf(AzureError);
    expect(e.code).toBe('AzureRequestFailed');
    expect(e.details).toMatchObject({ statusCode: 429, azureCode: 'SubscriptionRequestsThrottled', resource: 'cn-hq', retryAfterMs: 3000 });
    expect(isThrottled(e)).toBe(true);
    expect(retryAfterMsOf(e)).toBe(3000);
    // Adding the hub field keeps it (a throttle is not a refusal of a hub value anyway).
    expect(retryAfterMsOf(withHubField(e, 'sites[0]'))).toBe(3000);
  });

  it('503 keeps its Retry-After too; other answers, and a 429 without the header, carry none', () => {
    const unavailable = toAzureError(restError(503, { 'retry-after-ms': '120' }), { operation: 'x' }) as AzureError;
    expect(retryAfterMsOf(unavailable)).toBe(120);
    expect(isThrottled(unavailable)).toBe(false);
    const refused = toAzureError(restError(400, { 'retry-after': '3' }), { operation: 'x' }) as AzureError;
    expect('retryAfterMs' in refused.details).toBe(false);
    const bare = toAzureError(restError(429, {}), { operation: 'x' }) as AzureError;
    expect(isThrottled(bare)).toBe(true);
    expect(retryAfterMsOf(bare)).toBeUndefined();
  });

  it('an error mapped without the field still yields the Retry-After of its cause', () => {
    const e = new AzureError('AzureRequestFailed', 'throttled', { statusCode: 429 }, undefined, { cause: restError(429, { 'retry-after': '2' }) });
    expect(retryAfterMsOf(e)).toBe(2000);
  });
});
