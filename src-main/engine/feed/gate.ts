/**
 * Lets many operations run together (`shared`) but one `exclusive` operation run alone: a
 * rebuild wipes and refills Redis, and an activity fanned out halfway through would be lost.
 */
export class Gate {
  private active = 0;
  private closed: Promise<void> | null = null;
  private waiters: (() => void)[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    let open!: () => void;
    this.closed = new Promise<void>((r) => (open = r));
    try {
      while (this.active > 0) await new Promise<void>((r) => this.waiters.push(r));
      return await fn();
    } finally {
      this.closed = null;
      open();
    }
  }
}
