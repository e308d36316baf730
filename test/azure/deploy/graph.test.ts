import { WorkGraph, type WorkNode } from '../../../src/azure/deploy/graph';

/** Actions the test ends by hand; records when each started. */
function manual() {
  const started: string[] = [];
  const endings = new Map<string, { done: (r?: 'skipped') => void; fail: (e: unknown) => void }>();
  const action = (n: WorkNode<unknown>) =>
    new Promise<'done' | 'skipped' | void>((resolve, reject) => {
      started.push(n.id);
      endings.set(n.id, { done: (r) => resolve(r), fail: reject });
    });
  return { started, action, end: (id: string, r?: 'skipped') => endings.get(id)!.done(r), fail: (id: string, e: unknown) => endings.get(id)!.fail(e) };
}

const tick = () => new Promise((r) => setImmediate(r));
const states = (g: WorkGraph<unknown>) => Object.fromEntries(g.nodes.map((n) => [n.id, n.state]));

/** rg <- vnet <- gw <- cn, rg <- lng <- cn. */
function hubGraph(): WorkGraph<unknown> {
  const g = new WorkGraph<unknown>();
  g.addNode('rg', null);
  g.addNode('vnet', null, { dependsOn: ['rg'] });
  g.addNode('lng', null, { dependsOn: ['rg'] });
  g.addNode('gw', null, { dependsOn: ['vnet'] });
  g.addNode('cn', null, { dependsOn: ['gw', 'lng'] });
  return g;
}

test('a node starts once its dependencies are done; independent nodes run together', async () => {
  const g = hubGraph();
  const m = manual();
  const run = g.run(m.action);
  await tick();
  expect(m.started).toEqual(['rg']);
  expect(states(g)).toEqual({ rg: 'running', vnet: 'pending', lng: 'pending', gw: 'pending', cn: 'pending' });
  m.end('rg');
  await tick();
  expect(m.started).toEqual(['rg', 'vnet', 'lng']);
  m.end('lng');
  await tick();
  expect(m.started).toEqual(['rg', 'vnet', 'lng']);
  m.end('vnet');
  await tick();
  m.end('gw');
  await tick();
  m.end('cn');
  await run;
  expect(m.started).toEqual(['rg', 'vnet', 'lng', 'gw', 'cn']);
  expect(Object.values(states(g)).every((s) => s === 'done')).toBe(true);
});

test('a node added done is not run, and does not hold back its dependents', async () => {
  const g = new WorkGraph<unknown>();
  g.addNode('rg', null, { state: 'done' });
  g.addNode('vnet', null, { dependsOn: ['rg'] });
  const ran: string[] = [];
  await g.run(async (n) => void ran.push(n.id));
  expect(ran).toEqual(['vnet']);
});

test('the bound: ready nodes wait for a free slot', async () => {
  const g = new WorkGraph<unknown>();
  for (const id of ['a', 'b', 'c']) g.addNode(id, null);
  const m = manual();
  const run = g.run(m.action, { concurrency: 2 });
  await tick();
  expect(states(g)).toEqual({ a: 'running', b: 'running', c: 'ready' });
  m.end('b');
  await tick();
  expect(states(g)).toEqual({ a: 'running', b: 'done', c: 'running' });
  m.end('a');
  m.end('c');
  await run;
});

test('an action that skips its node skips its dependents, telling why', async () => {
  const g = hubGraph();
  const told: string[] = [];
  await g.run(async (n) => (n.id === 'gw' ? 'skipped' : 'done'), { onSkipped: (n, cause) => told.push(`${n.id} because ${cause.id}`) });
  expect(states(g)).toEqual({ rg: 'done', vnet: 'done', lng: 'done', gw: 'skipped', cn: 'skipped' });
  expect(told).toEqual(['cn because gw']);
});

test('a failure stops the run: nothing starts after it, running nodes end, the rest is skipped, the run rejects with it', async () => {
  const g = hubGraph();
  const m = manual();
  const told: string[] = [];
  const run = g.run(m.action, { onSkipped: (n) => told.push(n.id) });
  await tick();
  m.end('rg');
  await tick();
  const boom = new Error('vnet refused');
  m.fail('vnet', boom);
  await tick();
  expect(states(g)).toMatchObject({ vnet: 'failed', lng: 'running', gw: 'pending' });
  let settled = false;
  void run.catch(() => (settled = true));
  await tick();
  expect(settled).toBe(false);
  m.end('lng');
  await expect(run).rejects.toBe(boom);
  expect(states(g)).toEqual({ rg: 'done', vnet: 'failed', lng: 'done', gw: 'skipped', cn: 'skipped' });
  expect(m.started).toEqual(['rg', 'vnet', 'lng']);
  expect(told).toEqual([]);
});

test('continue: the failed node is left out, its dependents skipped, the others run', async () => {
  const g = hubGraph();
  const told: string[] = [];
  await g.run(async (n) => {
    if (n.id === 'lng') throw new Error('lng refused');
  }, { onFailed: () => 'continue', onSkipped: (n, cause) => told.push(`${n.id} because ${cause.id}`) });
  expect(states(g)).toEqual({ rg: 'done', vnet: 'done', lng: 'failed', gw: 'done', cn: 'skipped' });
  expect(told).toEqual(['cn because lng']);
});

test('retry after turning an edge round: an ordinary edge expresses "this one first, unless the service refuses"', async () => {
  const g = new WorkGraph<unknown>();
  g.addNode('er', null);
  g.addNode('vpn', null, { dependsOn: ['er'] });
  const ran: string[] = [];
  let refused = false;
  await g.run(async (n) => {
    ran.push(n.id);
    if (n.id === 'er' && !refused) {
      refused = true;
      throw new Error('create the VPN gateway first');
    }
  }, {
    onFailed: (n) => {
      if (n.id !== 'er') return 'stop';
      g.removeDependency('vpn', 'er');
      g.addDependency('er', 'vpn');
      return 'retry';
    },
  });
  expect(ran).toEqual(['er', 'vpn', 'er']);
  expect(states(g)).toEqual({ er: 'done', vpn: 'done' });
});

test('reversed: the same nodes, every edge turned round (deletion runs creation backwards)', async () => {
  const g = hubGraph().reversed();
  expect(g.nodes.map((n) => `${n.id} <- ${[...n.dependencies].join(',')}`)).toEqual(['rg <- vnet,lng', 'vnet <- gw', 'lng <- cn', 'gw <- cn', 'cn <- ']);
  const order: string[] = [];
  await g.run(async (n) => void order.push(n.id));
  expect(order).toEqual(['cn', 'lng', 'gw', 'vnet', 'rg']);
});

test('a cycle, or a dependency on a node the graph does not have, is an internal error naming them', async () => {
  const g = new WorkGraph<unknown>();
  g.addNode('a', null, { dependsOn: ['b'] });
  g.addNode('b', null, { dependsOn: ['a'] });
  g.addNode('c', null);
  await expect(g.run(async () => undefined)).rejects.toMatchObject({ code: 'PlanCycle', message: 'steps never became runnable: a, b' });
  expect(g.node('c').state).toBe('done');

  const h = new WorkGraph<unknown>();
  h.addNode('a', null, { dependsOn: ['ghost'] });
  await expect(h.run(async () => undefined)).rejects.toMatchObject({ code: 'GraphUnknownNode' });
  expect(() => h.addNode('a', null)).toThrow(/already has a node a/);
});
