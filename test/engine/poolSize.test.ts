import { checkPoolSize } from '../../engine/application/roles';
import { shopApplication } from '../../worker/application';

// The relay and each projection hold two connections each for as long as they run; a pool they would
// fill leaves commands waiting forever, so it is refused at start with the size it needs.
const application = shopApplication;
const projections = application.projections.length;

test('a pool the subscriptions would fill is refused, naming the size the roles need', () => {
  const needed = 2 * (1 + projections) + 2;
  expect(() =>
    checkPoolSize({ roles: ['relay', 'projections'], application, databasePoolSize: needed - 1 }),
  ).toThrow(new RegExp(`DATABASE_POOL_SIZE=${needed - 1} is too small .* set it to ${needed} or more`));
  expect(checkPoolSize({ roles: ['relay', 'projections'], application, databasePoolSize: needed })).toBe(
    needed,
  );
});

test('roles without subscriptions need only room for work, and the default is 20', () => {
  expect(checkPoolSize({ roles: ['api', 'worker'], application, databasePoolSize: 2 })).toBe(2);
  expect(() => checkPoolSize({ roles: ['api'], application, databasePoolSize: 1 })).toThrow(
    /set it to 2 or more/,
  );
  expect(checkPoolSize({ roles: ['api', 'worker', 'relay', 'projections'], application })).toBe(20);
});
