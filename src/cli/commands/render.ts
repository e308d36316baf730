/**
 * `tunnelsmith render`: the device files (and the handoff files) for each site, from a facts file or
 * read back live. The same pipeline as `bundle`, without `--diff`.
 */
import { defineCommand } from '../command';
import { bundleCommand } from './bundle';

type RenderArgs = Parameters<typeof bundleCommand.run>[0];

export const renderCommand = defineCommand<Omit<RenderArgs, 'diff' | 'commandName'>>({
  command: 'render',
  describe: 'Render matching device configs for each site into <out>/<site>/<device>/ (from --facts, or read back from Azure)',
  builder: (y) => (bundleCommand.builder(y) as unknown as typeof y).hide('diff') as never,
  run: (args, io) => bundleCommand.run({ ...args, diff: false, commandName: 'render' } as RenderArgs, io),
});
