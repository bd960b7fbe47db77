import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'shell-quote';

/** One simple command of a shell block: its words, with `$VARIABLE`s left as written. */
export type ShellCommand = readonly string[];

/**
 * The simple commands of a shell block, split at `;`, `&&`, `||`, `|` and line ends, without comments.
 * Variable assignments (`P=...`) are dropped; a one-line function (`name() { ...; }`) is returned as
 * an alias from the name to its first command, so that later lines can be checked through it.
 */
export function shellCommands(code: string): { commands: ShellCommand[]; aliases: Map<string, ShellCommand> } {
  const commands: ShellCommand[] = [];
  const aliases = new Map<string, ShellCommand>();
  for (const line of code.replace(/\\\n/g, ' ').split('\n')) {
    const tokens = parse(line, (name) => `$${name}`);
    const functionName = tokens[0];
    if (typeof functionName === 'string' && isOp(tokens[1], '(') && isOp(tokens[2], ')') && tokens[3] === '{') {
      const body = tokens.slice(4);
      const end = body.findIndex((token) => typeof token !== 'string');
      aliases.set(functionName, (end < 0 ? body : body.slice(0, end)) as string[]);
      continue;
    }
    let current: string[] = [];
    for (const token of tokens) {
      if (typeof token === 'string') current.push(token);
      else if ('comment' in token) break;
      else if ('op' in token) {
        commands.push(current);
        current = [];
      }
    }
    commands.push(current);
  }
  return {
    commands: commands.map((command) => dropAssignments(command)).filter((command) => command.length > 0),
    aliases,
  };
}

function isOp(token: unknown, op: string): boolean {
  return typeof token === 'object' && token !== null && 'op' in token && token.op === op;
}

function dropAssignments(command: readonly string[]): string[] {
  let start = 0;
  while (start < command.length && /^[A-Za-z_]\w*=/.test(command[start]!)) start++;
  return command.slice(start);
}

/** Runs the CLI's `--help` for a command path (e.g. ['train', 'dcgan']) and returns the text. */
export type CliHelp = (commandPath: readonly string[]) => string;

interface WorkspacePackage {
  readonly name: string;
  readonly private: boolean;
  readonly scripts: Record<string, string>;
  readonly dependencies: Set<string>;
}

/** The repository's package.json files: the root's (named '') and every workspace package's. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const folders = [
    '.',
    ...['packages', 'examples', 'test-support'].flatMap((parent) =>
      existsSync(join(root, parent))
        ? readdirSync(join(root, parent))
            .map((name) => join(parent, name))
            .filter((folder) => existsSync(join(root, folder, 'package.json')))
        : [],
    ),
  ];
  return folders.map((folder) => {
    const json = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
    return {
      name: folder === '.' ? '' : json.name,
      private: json.private === true,
      scripts: json.scripts ?? {},
      dependencies: new Set(
        ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((key) => Object.keys(json[key] ?? {})),
      ),
    };
  });
}

const pnpmBuiltins = new Set(['install', 'i', 'add', 'exec', 'dlx', 'build']);

/**
 * Problems of one command of a shell block, checked against the repository as it is (empty when it
 * is fine): `ganforge` subcommands and `--flags` against the built CLI's `--help`; `pnpm` scripts
 * and `--filter` packages against the package.json files; `npm install` names against the
 * workspace; files given to `node`/`npx tsx` against the tree. Anything else is a problem, so a new
 * kind of command gets a rule here instead of passing unchecked.
 */
export function shellCommandProblems(
  command: ShellCommand,
  context: { root: string; help: CliHelp; aliases: Map<string, ShellCommand> },
): string[] {
  const [first, ...rest] = command;
  const alias = first === undefined ? undefined : context.aliases.get(first);
  if (alias) return shellCommandProblems([...alias.filter((word) => word !== '$@'), ...rest], context);
  if (first === 'nice') return shellCommandProblems(rest[0] === '-n' ? rest.slice(2) : rest, context);
  if (first === 'ganforge') return cliProblems(rest, context.help);
  if (first === 'node' || (first === 'npx' && rest[0] === 'tsx')) {
    const [file, ...args] = first === 'node' ? rest : rest.slice(1);
    if (!file || !existsSync(join(context.root, file))) return [`${command.join(' ')}: no file ${file}`];
    return /^packages\/cli\/(dist|src)\/bin\.[jt]s$/.test(file) ? cliProblems(args, context.help) : [];
  }
  if (first === 'pnpm') return pnpmProblems(rest, context.root);
  if (first === 'npx' && rest[0] === '--yes' && /^pnpm(@|$)/.test(rest[1] ?? '')) {
    return pnpmProblems(rest.slice(2), context.root);
  }
  if (first === 'npm' && (rest[0] === 'install' || rest[0] === 'i'))
    return npmInstallProblems(rest.slice(1), context.root);
  return [`${command.join(' ')}: not a command the README test knows how to check; add a rule to shell-commands.ts`];
}

function pnpmProblems(args: readonly string[], root: string): string[] {
  const packages = workspacePackages(root);
  let target = packages.find((p) => p.name === '')!;
  const words = [...args];
  while (words[0]?.startsWith('-')) {
    const option = words.shift()!;
    if (option === '--filter' || option === '-F') {
      const name = words.shift();
      const found = packages.find((p) => p.name === name);
      if (!found) return [`pnpm --filter ${name}: no workspace package of that name`];
      target = found;
    }
  }
  const script = words[0];
  if (script === undefined) return ['pnpm: no script or command given'];
  if (script === 'run') return target.scripts[words[1] ?? ''] ? [] : [`pnpm run ${words[1]}: no such script`];
  if (target.scripts[script] !== undefined || pnpmBuiltins.has(script)) return [];
  return [`pnpm ${script}: ${target.name || 'the root package'} has no script '${script}'`];
}

function npmInstallProblems(args: readonly string[], root: string): string[] {
  const packages = workspacePackages(root);
  const used = new Set(packages.flatMap((p) => [...p.dependencies]));
  return args
    .filter((word) => !word.startsWith('-'))
    .map((word) => word.replace(/(.)@[^@/]*$/, '$1'))
    .flatMap((name) => {
      if (name.startsWith('@ganforge/')) {
        const found = packages.find((p) => p.name === name);
        return found && !found.private ? [] : [`npm install ${name}: not a published workspace package`];
      }
      return used.has(name) ? [] : [`npm install ${name}: no workspace package depends on it`];
    });
}

/** Commander lists subcommands under "Commands:" as two-space-indented names. */
function subcommandsOf(help: string): Set<string> {
  const section = help.split(/\n(?=\S)/).find((part) => part.startsWith('Commands:')) ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]!));
}

function cliProblems(args: readonly string[], help: CliHelp): string[] {
  const path: string[] = [];
  let text = help(path);
  for (const word of args) {
    if (word.startsWith('-') || !subcommandsOf(text).has(word)) break;
    path.push(word);
    text = help(path);
  }
  if (path.length === 0) return [`ganforge ${args.join(' ')}: '${args[0]}' is not a ganforge command`];
  if (subcommandsOf(text).size > 0) return [`ganforge ${path.join(' ')}: needs one of its subcommands`];
  return args
    .filter((word) => word.startsWith('--'))
    .map((word) => word.split('=')[0]!)
    .filter((flag) => !new RegExp(`(^|[\\s,])${flag}(?![\\w-])`).test(text))
    .map((flag) => `ganforge ${path.join(' ')}: its --help lists no ${flag}`);
}
