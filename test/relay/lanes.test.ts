import { groupInOrder, runLanes } from '../../engine/relay/lanes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test('groups keep their items in order, and the groups their first appearance', () => {
  const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
  expect(groupInOrder(items, (item) => item[0]!)).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
});

test('lanes run side by side up to the limit, each lane in order', async () => {
  let running = 0;
  let most = 0;
  const seen: string[] = [];
  const lanes = Array.from({ length: 10 }, (_, lane) => async () => {
    running++;
    most = Math.max(most, running);
    for (let step = 0; step < 3; step++) {
      await tick();
      seen.push(`${lane}:${step}`);
    }
    running--;
  });
  await runLanes(lanes, 4);
  expect(most).toBe(4);
  for (let lane = 0; lane < 10; lane++)
    expect(seen.filter((entry) => entry.startsWith(`${lane}:`))).toEqual([
      `${lane}:0`,
      `${lane}:1`,
      `${lane}:2`,
    ]);
});

test('a failing lane fails the whole run, after the lanes already started have stopped', async () => {
  const finished: number[] = [];
  const lanes = Array.from({ length: 6 }, (_, lane) => async () => {
    await tick();
    if (lane === 1) throw new Error('Temporal unreachable');
    await tick();
    finished.push(lane);
  });
  await expect(runLanes(lanes, 2)).rejects.toThrow('Temporal unreachable');
  // Lanes 0 and 1 started together; after 1 failed no new lane started.
  expect(finished).toEqual([0]);
});
