/**
 * The SDK pipeline policy behind `TUNNELSMITH_*_TOKEN_FILE`: a request that gets 401 with the token of a
 * file is sent once more when the file now holds another token (CI refreshed it). Placed after the SDK's
 * own authentication policy, so it sees the header that went out.
 */
import { isStaticToken } from './credentials';

/** The part of core-rest-pipeline's request, response and policy shapes used here. */
interface PolicyRequest {
  headers: { get(name: string): string | undefined; set(name: string, value: string): void };
}
interface PolicyResponse {
  status: number;
}
export interface TokenPolicy {
  name: string;
  sendRequest(request: PolicyRequest, next: (request: PolicyRequest) => Promise<PolicyResponse>): Promise<PolicyResponse>;
}

/** The extra policies an SDK client needs for `credential` (none unless it is a token file). */
export function tokenFilePolicies(credential: unknown): Array<{ policy: TokenPolicy; position: 'perRetry' }> {
  if (!isStaticToken(credential) || !credential.fromFile) return [];
  const policy: TokenPolicy = {
    name: 'tunnelsmithTokenFileReload',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 401) return response;
      const sent = request.headers.get('authorization');
      if (!sent || !/^bearer /i.test(sent)) return response;
      await credential.reload();
      const fresh = `Bearer ${credential.current()}`;
      if (fresh === sent) return response;
      request.headers.set('authorization', fresh);
      return next(request);
    },
  };
  return [{ policy, position: 'perRetry' }];
}
