import { Command, CommanderError, Option } from 'commander';
import { version } from '../package.json';
import { registerBulkCommands } from './bulk';
import { registerDeployCommands } from './deploy';
import { ApiClient, CliError } from './client';
import type { Context } from './context';
import { createOutput, reportFailure } from './output';
import { registerParkedCommands } from './parked';
import { registerSagaCommands } from './saga';
import { registerStreamCommand } from './stream';
import { registerTraceCommand } from './trace';

export const defaultUrl = 'http://127.0.0.1:3000';

/** The `procession` program: global options, then one group of commands per area of the API. */
export function buildProgram(): Command {
  const program = new Command('procession')
    .description("Procession's operator tools, over its HTTP API")
    .version(version)
    .addOption(new Option('--url <url>', 'the API').env('PROCESSION_URL').default(defaultUrl))
    .addOption(new Option('--key <key>', 'an API key (see README: Access)').env('PROCESSION_KEY'))
    .option('--json', 'print results as JSON, for scripts')
    .showHelpAfterError()
    .exitOverride();
  const contextOf = (): Context => {
    const options = program.opts<{ url: string; key?: string; json?: boolean }>();
    if (!/^https?:\/\//.test(options.url))
      throw new CliError(`--url must start with http:// or https://, got '${options.url}'`, 'BadOption');
    return {
      client: new ApiClient({ url: options.url, key: options.key }),
      output: createOutput(options.json === true),
    };
  };
  registerBulkCommands(program, contextOf);
  registerSagaCommands(program, contextOf);
  registerStreamCommand(program, contextOf);
  registerTraceCommand(program, contextOf);
  registerParkedCommands(program, contextOf);
  registerDeployCommands(program, contextOf);
  // Every sub-command exits through main's error report, not commander's process.exit.
  const overrideAll = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(overrideAll);
  };
  overrideAll(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    // Usage errors and --help / --version: commander already printed what it had to say.
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    reportFailure(error, program.opts<{ json?: boolean }>().json === true);
  }
}

if (require.main === module) void main(process.argv);
