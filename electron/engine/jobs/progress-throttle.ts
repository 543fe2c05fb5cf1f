/**
 * At most one call per interval, and always the latest state: a trailing call delivers what the
 * last skipped update said. flush() sends the pending state at once (phase changes, the end).
 */
export class Throttle {
  private last = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
  ) {}

  request(): void {
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = Date.now();
    this.send();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
