// The CLI part of docs/reference.md: every command with its arguments and options, read from the
// commander program the CLI itself runs (cli/program.ts), so it cannot drift from the flags.
import { EventEmitter } from 'node:events';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/cli-context.ts';
import { buildProgram } from '../cli/program.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

// The program is only read, never run: its context is never used.
function program(): Promise<Command> {
  const discard = { write: () => true };
  const context: CommandContext = {
    env: {},
    stdout: discard,
    stderr: discard,
    signals: new EventEmitter(),
    settle: () => undefined,
    hideSecrets: () => undefined,
  };
  return buildProgram(context);
}

function optionRows(command: Command): string[] {
  return command.options.map((option) => {
    const notes = [
      option.argChoices ? `one of ${option.argChoices.join(', ')}` : '',
      option.defaultValue !== undefined && option.defaultValue !== false
        ? `default ${option.defaultValueDescription ?? JSON.stringify(option.defaultValue)}`
        : '',
    ].filter(Boolean);
    const description = notes.length > 0 ? `${option.description} (${notes.join('; ')})` : option.description;
    return `| \`${option.flags}\` | ${cell(description)} |`;
  });
}

function renderCommand(command: Command): string[] {
  const args = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return argument.required ? `<${name}>` : `[${name}]`;
  });
  const lines = [
    `### \`faultline ${[command.name(), ...args].join(' ')}\``,
    '',
    cell(command.description()),
    '',
  ];
  for (const argument of command.registeredArguments)
    lines.push(`- \`${argument.name()}\`: ${argument.description}`);
  if (command.registeredArguments.length > 0) lines.push('');
  const rows = optionRows(command);
  if (rows.length > 0) lines.push('| option | description |', '| --- | --- |', ...rows, '');
  return lines;
}

export async function renderCliReference(): Promise<string> {
  const root = await program();
  return [
    '## CLI',
    '',
    'Generated from `cli/program.ts`, the commands as the CLI parses them. Options of every command:',
    '',
    '| option | description |',
    '| --- | --- |',
    ...optionRows(root),
    '',
    // Hidden commands (the guard a run starts for itself) are not for users: as in --help.
    ...root
      .createHelp()
      .visibleCommands(root)
      .filter((command) => command.name() !== 'help')
      .flatMap(renderCommand),
  ].join('\n');
}
