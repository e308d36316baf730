/** Every hub file under fixtures/ (the golden cases) is valid with the real device registry. */
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors';
import { readHub } from '../../src/io/readHub';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const cases = readdirSync(FIXTURES).filter((d) => existsSync(path.join(FIXTURES, d, 'hub.yaml')));

test('there are fixture hubs to check', () => {
  expect(cases.length).toBeGreaterThan(0);
});

test.each(cases)('fixtures/%s/hub.yaml is a valid hub', async (name) => {
  // readHub refuses a hub with any error (an InputError): its problems make the failure readable.
  const loaded = await readHub({ cwd: path.join(FIXTURES, name), file: 'hub.yaml' }).catch((e: unknown) => {
    throw e instanceof InputError ? new Error(`${e.message}:\n${e.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`) : e;
  });
  expect(loaded.hub.sites.length).toBeGreaterThan(0);
});
