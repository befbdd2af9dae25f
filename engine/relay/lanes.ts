/**
 * Runs lanes side by side, at most `limit` at once; each lane's own steps run in order. Resolves when all
 * have finished, and rejects with the first failure once every started lane has stopped (lanes not yet
 * started are left out then), so a caller that keeps its checkpoint on failure retries the whole set.
 */
export async function runLanes(lanes: ReadonlyArray<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const runner = async () => {
    while (!failed && next < lanes.length) {
      const lane = lanes[next++]!;
      try {
        await lane();
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), lanes.length) }, runner));
  if (failed) throw failure;
}

/** Groups items by key, keeping each group's items and the groups' first appearances in order. */
export function groupInOrder<Item>(items: readonly Item[], keyOf: (item: Item) => string): Item[][] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
