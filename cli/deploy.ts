import { Option, type Command } from 'commander';
import { encode } from './client';
import type { Context } from './context';
import { table } from './output';

interface DeploymentView {
  deploymentName: string;
  currentBuildId: string | null;
  versions: { buildId: string; status: string; openRuns: number }[];
}

const deploymentOption = () =>
  new Option('--deployment <name>', 'the Worker Deployment (PROCESSION_DEPLOYMENT of the workers)')
    .env('PROCESSION_DEPLOYMENT')
    .makeOptionMandatory();

function describe(view: DeploymentView): string {
  return [
    `${view.deploymentName}: current build ${view.currentBuildId ?? '(none)'}`,
    table([
      ['BUILD', 'STATUS', 'OPEN RUNS'],
      ...view.versions.map((version) => [version.buildId, version.status, String(version.openRuns)]),
    ]),
  ].join('\n');
}

/** Worker Versioning from a terminal: which builds run, which is current, what is left to drain. */
export function registerDeployCommands(program: Command, contextOf: () => Context): void {
  const deploy = program.command('deploy').description('saga worker builds (Temporal Worker Versioning)');
  deploy
    .command('status')
    .description('each build of the deployment, the current one, and its runs still open (draining)')
    .addOption(deploymentOption())
    .action(async (options: { deployment: string }) => {
      const { client, output } = contextOf();
      const view = await client.get<DeploymentView>(`/deployments/${encode(options.deployment)}`);
      output.result(view, () => describe(view));
    });
  deploy
    .command('promote <buildId>')
    .description('make a build current: new sagas start on it, pinned ones finish where they started')
    .addOption(deploymentOption())
    .action(async (buildId: string, options: { deployment: string }) => {
      const { client, output } = contextOf();
      const view = await client.post<DeploymentView>(`/deployments/${encode(options.deployment)}/promote`, {
        buildId,
      });
      output.result(view, () => describe(view));
    });
}
