/** Every command, in the order of the work (help lists them so). Add one line per command module. */
import type { CommandSpec } from './command';

export function allCommands(): CommandSpec<any>[] {
  return [
    (require('./commands/validate') as typeof import('./commands/validate')).validateCommand,
    (require('./commands/deploy') as typeof import('./commands/deploy')).deployCommand,
    (require('./commands/facts') as typeof import('./commands/facts')).factsCommand,
    (require('./commands/render') as typeof import('./commands/render')).renderCommand,
    (require('./commands/bundle') as typeof import('./commands/bundle')).bundleCommand,
    (require('./commands/verify') as typeof import('./commands/verify')).verifyCommand,
    (require('./commands/rotateKey') as typeof import('./commands/rotateKey')).rotateKeyCommand,
    (require('./commands/destroy') as typeof import('./commands/destroy')).destroyCommand,
    (require('./commands/import') as typeof import('./commands/import')).importCommand,
    (require('./commands/emulator') as typeof import('./commands/emulator')).emulatorCommand,
    (require('./commands/demo') as typeof import('./commands/demo')).demoCommand,
    (require('./commands/completion') as typeof import('./commands/completion')).completionCommand,
  ];
}
