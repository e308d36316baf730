/**
 * `tunnelsmith completion [bash|zsh]`: prints a shell completion script, and nothing else. The script
 * asks `tunnelsmith --get-yargs-completions <words>` for the candidates (yargs answers that from the
 * command and option tables; no command runs).
 */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import { defineCommand, writeLine, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

interface CompletionArgs {
  shell?: Shell;
}

const SCRIPTS: Record<Shell, string> = {
  bash: `# tunnelsmith completion for bash. Load it from ~/.bashrc:
#   source <(tunnelsmith completion bash)
_tunnelsmith_complete() {
  local candidates
  candidates=$(tunnelsmith --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
  COMPREPLY=($(compgen -W "$candidates" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _tunnelsmith_complete tunnelsmith`,
  zsh: `# tunnelsmith completion for zsh. Load it from ~/.zshrc, after compinit:
#   source <(tunnelsmith completion zsh)
_tunnelsmith() {
  local -a candidates
  candidates=(\${(f)"$(tunnelsmith --get-yargs-completions "\${words[@]:0:$CURRENT}" 2>/dev/null)"})
  compadd -a candidates
}
compdef _tunnelsmith tunnelsmith`,
};

/** The script for `shell`. Pure. */
export function completionScript(shell: Shell): string {
  return SCRIPTS[shell];
}

export const completionCommand = defineCommand<CompletionArgs>({
  command: 'completion [shell]',
  describe: 'Print a bash or zsh completion script for tunnelsmith (commands and options); it runs nothing else',
  builder: (y) =>
    y
      .positional('shell', { choices: SHELLS, describe: 'bash or zsh (default: from $SHELL)' })
      .example('source <(tunnelsmith completion bash)', 'Complete tunnelsmith in this bash session (add the line to ~/.bashrc to keep it)')
      .example('$0 completion zsh > ~/.tunnelsmith-completion.zsh', 'Save the zsh script, to source from ~/.zshrc after compinit')
      .epilogue('The script calls `tunnelsmith`: put it on your PATH first (npm link, or npm install -g).') as unknown as Argv<CompletionArgs & GlobalArgs>,
  run: async (args, io) => {
    const shell: Shell = args.shell ?? (/zsh$/.test(io.env.SHELL ?? '') ? 'zsh' : 'bash');
    if (args.json) writeJsonLine(io, 'completion', { shell, script: completionScript(shell) });
    else writeLine(io.stdout, completionScript(shell));
    return ExitCode.ok;
  },
});
