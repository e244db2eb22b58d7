// The total deadline of a call (deadlineMs): every attempt, every backoff pause and the wait between
// them must end by then. Each attempt's timeout is timeoutMs or what is left, whichever is shorter.

export class Deadline {
  /** the deadline in ms, undefined when the call has none */
  readonly ms: number | undefined;
  readonly #at: number;

  constructor(ms: number | undefined, now: () => number = () => performance.now()) {
    this.ms = ms === undefined || !Number.isFinite(ms) ? undefined : Math.max(0, ms);
    this.#at = this.ms === undefined ? Number.POSITIVE_INFINITY : now() + this.ms;
    this.#now = now;
  }
  readonly #now: () => number;

  /** ms left (Infinity without a deadline) */
  remaining(): number {
    return Math.max(0, this.#at - this.#now());
  }

  /** This attempt's timeout, and whether the deadline (not timeoutMs) is what bounds it. */
  attemptTimeout(timeoutMs: number): { ms: number; byDeadline: boolean } {
    const left = this.remaining();
    return left < timeoutMs ? { ms: Math.max(1, Math.floor(left)), byDeadline: true } : { ms: timeoutMs, byDeadline: false };
  }

  /** Whether a pause of delayMs (then at least a moment for the attempt) still fits. */
  allows(delayMs: number): boolean {
    return this.remaining() > delayMs;
  }
}
