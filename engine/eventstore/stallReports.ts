import type { HeldBy, Horizon } from './horizon';

const repeatMs = 30_000;

/**
 * Tells a reader whether an append in flight held its horizon back, and reports an append held open longer
 * than `warningMs`: once when it crosses the threshold, then every 30 s while the same one lasts.
 */
export class StallReports {
  private last?: { transactionId: string; at: number };

  constructor(
    private readonly warningMs: number,
    private readonly report: ((heldBy: HeldBy) => void) | undefined,
  ) {}

  heldBack(horizon: Horizon | undefined): boolean {
    const heldBy = horizon?.heldBy;
    if (!heldBy) {
      this.last = undefined;
      return false;
    }
    const last = this.last;
    const due = !last || last.transactionId !== heldBy.transactionId || Date.now() - last.at >= repeatMs;
    if (heldBy.ageMs !== null && heldBy.ageMs >= this.warningMs && due) {
      this.last = { transactionId: heldBy.transactionId, at: Date.now() };
      this.report?.(heldBy);
    }
    return true;
  }
}
