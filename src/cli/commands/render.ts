/**
 * `tunnelsmith render`: the device files (and the handoff files) for each site, from a facts file or
 * read back live. The same pipeline and files as `bundle`, without `--diff`.
 */
import type { Argv } from 'yargs';
import { defineCommand, type GlobalArgs } from '../command';
import { bundleCommand, withBundleOptions } from './bundle';

type RenderArgs = Parameters<typeof bundleCommand.run>[0];

export const renderCommand = defineCommand<Omit<RenderArgs, 'diff' | 'commandName'>>({
  command: 'render',
  describe: "Write each site's device configs and handoff files into <out>/<site>/ (from --facts, or read back from Azure); bundle writes the same and adds --diff",
  builder: (y) =>
    withBundleOptions(y)
      .example('$0 render --facts out/facts.json --device all', 'Every device\'s files for every site, from a facts file (Azure is not asked)')
      .example('$0 render --site hq --site branch', 'Two sites, read back live from Azure (the keys Azure holds)')
      .example('$0 render --site hq --device strongswan --redact --archive', 'One device; the key alone in out/hq.key (0600), plus out/hq.tar.gz') as unknown as Argv<Omit<RenderArgs, 'diff' | 'commandName'> & GlobalArgs>,
  run: (args, io) => bundleCommand.run({ ...args, diff: false, commandName: 'render' } as RenderArgs, io),
});
