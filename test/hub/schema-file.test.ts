/**
 * `schema/hub.schema.json` is generated from the zod schema. This test fails when the committed file
 * differs; `TUNNELSMITH_UPDATE_GOLDENS=1` rewrites it (CI never sets it).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildHubJsonSchema } from '../../src/hub/schema';

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schema', 'hub.schema.json');
const generated = `${JSON.stringify(buildHubJsonSchema(), null, 2)}\n`;

test('the committed JSON Schema equals the generated one', () => {
  if (process.env.TUNNELSMITH_UPDATE_GOLDENS === '1') {
    mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
    writeFileSync(SCHEMA_FILE, generated);
  }
  let committed = '';
  try {
    committed = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    committed = '(missing)';
  }
  expect(committed).toBe(generated);
});

describe('the JSON Schema helps editors', () => {
  const schema = JSON.parse(generated);
  const site = schema.properties.sites.items;

  test('objects are closed (unknown keys are errors) and required fields are listed', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['azure', 'sites']);
    expect(site.additionalProperties).toBe(false);
    expect(site.required).toEqual(['name', 'device', 'publicIp', 'addressSpace']);
  });

  test('fields carry descriptions, enums, patterns and defaults', () => {
    expect(site.properties.device.enum).toEqual(['cisco-ios', 'juniper-srx', 'strongswan', 'windows-rras', 'fortigate', 'paloalto']);
    expect(site.properties.publicIp.description).toMatch(/public IPv4/);
    expect(site.properties.dpdTimeoutSeconds).toMatchObject({ minimum: 9, maximum: 3600, default: 45 });
    expect(schema.properties.azure.properties.vpnGateway.properties.asn.default).toBe(65515);
    expect(schema.properties.azure.properties.vpnGateway.properties.sku.enum).not.toContain('Basic');
    const policy = site.properties.ipsecPolicy.anyOf.find((o: any) => o.type === 'object');
    expect(policy.required).toHaveLength(8);
    expect(policy.properties.ipsecEncryption.enum).not.toContain('None');
  });

  test('the JSON Schema patterns accept the seed hub values and refuse injection', () => {
    expect(new RegExp(site.properties.name.pattern).test('hq')).toBe(true);
    expect(new RegExp(site.properties.publicIp.pattern).test('40.50.60.70')).toBe(true);
    expect(new RegExp(site.properties.publicIp.pattern).test('40.50.60.700')).toBe(false);
    expect(new RegExp(site.properties.connectionName.pattern).test('cn-hq\nshutdown')).toBe(false);
  });
});
