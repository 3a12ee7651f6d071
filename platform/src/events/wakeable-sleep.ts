/**
 * A poll loop's pause that an event can cut short (a local publish, a stop). A wake-up that
 * arrives while the loop is busy is remembered, so the next sleep returns at once; `reset()`
 * at the top of each round forgets wake-ups that round's work already covers.
 */
export class WakeableSleep {
  private woken = false;
  private interrupt: (() => void) | undefined;

  readonly wake = (): void => {
    this.woken = true;
    this.interrupt?.();
  };

  reset(): void {
    this.woken = false;
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.woken) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = done;
    });
  }
}
