import { defineApplication } from '../../engine/application/application';
import { shopApplication } from '../../worker/application';
import * as forgottenSagaWorkflows from '../fixtures/forgottenSaga';

// A newcomer writes workflows/<saga>/saga.ts and forgets its line in workflows/index.ts: the saga would
// never start and nothing would say so. The application refuses to start instead, naming the saga.
const withWorkflows = (workflows: Record<string, unknown>, workflowsPath: string) =>
  defineApplication({ ...shopApplication, workflows, workflowsPath, bulkTasks: [] });

test('a saga defined beside the workflows module but not listed in it fails at start, by name', () => {
  expect(() => withWorkflows(forgottenSagaWorkflows, require.resolve('../fixtures/forgottenSaga'))).toThrow(
    /saga 'welcomeCustomer' is defined in forgotten\/saga\.ts but not listed in .*index\.ts/,
  );
});

test('listed, the same sagas start', () => {
  const complete = { ...forgottenSagaWorkflows, ...require('../fixtures/forgottenSaga/forgotten/saga') };
  const application = withWorkflows(complete, require.resolve('../fixtures/forgottenSaga'));
  expect(application.sagas.map((saga) => saga.workflowType).sort()).toEqual([
    'thankCustomer',
    'welcomeCustomer',
  ]);
});

test('a file beside the workflows module that defines no saga is never loaded (a script would run)', () => {
  // forgottenSaga/script.ts throws when loaded; the listed application starts all the same.
  const complete = { ...forgottenSagaWorkflows, ...require('../fixtures/forgottenSaga/forgotten/saga') };
  expect(() => withWorkflows(complete, require.resolve('../fixtures/forgottenSaga'))).not.toThrow();
});

test("the shop's own list is complete", () => {
  expect(shopApplication.sagas.map((saga) => saga.workflowType)).toContain('linkChannels');
});
