import { Type } from 'typebox';
import type { TypedApp } from '../typedApp';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, nullableString, strictObject } from '../schemas';
import { describeDeployment, promoteBuild } from '../../temporal/workerDeployments';

const name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' });

const deploymentView = Type.Object({
  deploymentName: Type.String(),
  currentBuildId: nullableString,
  versions: Type.Array(
    Type.Object({
      buildId: Type.String(),
      status: Type.String({ description: 'inactive, current, ramping, draining or drained' }),
      openRuns: Type.Integer({ description: 'runs still open on this build (pinned runs drain here)' }),
    }),
  ),
});

/** Worker Versioning: which builds of the saga workers exist, which is current, and what is left to drain. */
export function registerDeploymentRoutes(app: TypedApp, deps: ApiDependencies): void {
  const { client, namespace } = deps.temporal;
  const view = async (deploymentName: string) => {
    const found = await describeDeployment(client, namespace, deploymentName);
    if (!found)
      throw new ApiError(
        404,
        'DeploymentNotFound',
        `No worker of deployment '${deploymentName}' has polled Temporal`,
        {
          deploymentName,
        },
      );
    return found;
  };

  app.get(
    '/deployments/:deploymentName',
    {
      schema: {
        params: strictObject({ deploymentName: name }),
        response: { 200: deploymentView, ...errorResponses },
      },
    },
    async (request) => view(request.params.deploymentName),
  );

  // New runs start on the build; pinned runs finish where they started. Waits (up to 30 s) for a build
  // whose workers have only just started to be known to the server.
  app.post(
    '/deployments/:deploymentName/promote',
    {
      config: { access: 'admin' },
      schema: {
        params: strictObject({ deploymentName: name }),
        body: strictObject({ buildId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: deploymentView, ...errorResponses },
      },
    },
    async (request) => {
      const { deploymentName } = request.params;
      const known = await view(deploymentName);
      const { buildId } = request.body;
      if (!known.versions.some((version) => version.buildId === buildId))
        throw new ApiError(
          404,
          'BuildNotFound',
          `No worker of build '${buildId}' has polled deployment '${deploymentName}'`,
          {
            deploymentName,
            buildId,
            builds: known.versions.map((version) => version.buildId),
          },
        );
      await promoteBuild(client, namespace, { deploymentName, buildId }, { identity: 'procession-api' });
      return view(deploymentName);
    },
  );
}
