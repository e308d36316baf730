import type { NetworkResourceType } from '../../../src/azure/client/model';
import { CONNECTION_WRITE_MS, estimateDestroyMs, GATEWAY_WRITE_MS, OTHER_WRITE_MS } from '../../../src/azure/deploy/estimate';

describe('estimateDestroyMs', () => {
  it('adds the stages, each as long as its longest deletion, with gateways one after the other', () => {
    const steps: { stage: number; type: NetworkResourceType }[] = [
      { stage: 0, type: 'connections' },
      { stage: 0, type: 'connections' },
      { stage: 1, type: 'virtualNetworkGateways' },
      { stage: 1, type: 'virtualNetworkGateways' },
      { stage: 2, type: 'publicIPAddresses' },
      { stage: 2, type: 'localNetworkGateways' },
      { stage: 3, type: 'virtualNetworks' },
    ];
    expect(estimateDestroyMs(steps)).toBe(CONNECTION_WRITE_MS + 2 * GATEWAY_WRITE_MS + OTHER_WRITE_MS + OTHER_WRITE_MS);
  });

  it('is one stage long without gateways, and 0 with nothing to delete', () => {
    const two: { stage: number; type: NetworkResourceType }[] = [{ stage: 0, type: 'connections' }, { stage: 2, type: 'localNetworkGateways' }];
    expect(estimateDestroyMs(two)).toBe(CONNECTION_WRITE_MS + OTHER_WRITE_MS);
    expect(estimateDestroyMs([])).toBe(0);
  });
});
