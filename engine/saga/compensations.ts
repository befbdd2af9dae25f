import { CancellationScope, log } from '@temporalio/workflow';

interface Compensation {
  name: string;
  undo: () => Promise<unknown>;
}

/**
 * Undo steps of a saga. Register an undo *before* running the step it undoes: if the step fails after it
 * took effect (a timeout after the write), the undo still runs, and every undo is idempotent.
 */
export class Compensations {
  private readonly steps: Compensation[] = [];
  readonly completed: string[] = [];
  readonly failed: Array<{ name: string; error: string }> = [];

  add(name: string, undo: () => Promise<unknown>): void {
    this.steps.push({ name, undo });
  }

  /**
   * Forgets an undo that no longer applies: a later step superseded it (a refund replaces a void once the
   * payment is captured) or made it impossible (a dispatched shipment cannot be cancelled).
   */
  drop(name: string): void {
    const index = this.steps.findIndex((step) => step.name === name);
    if (index >= 0) this.steps.splice(index, 1);
  }

  /**
   * Runs the registered undos newest first, in a scope that cancellation cannot interrupt, so a cancelled
   * saga still compensates. One failing undo is logged and the rest still run.
   */
  async run(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (const step of [...this.steps].reverse()) {
        try {
          await step.undo();
          this.completed.push(step.name);
        } catch (error) {
          log.error('compensation failed', { compensation: step.name, error: String(error) });
          this.failed.push({ name: step.name, error: String(error) });
        }
      }
    });
    this.steps.length = 0;
  }
}
