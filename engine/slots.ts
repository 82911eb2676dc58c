/**
 * How many checks of a run may send at once: a first-come, first-served counting semaphore. A check
 * takes one slot; a check that needs the target to itself (an exact count over every client) takes
 * them all, and waits for the ones before it. First come, first served: a check that wants every slot
 * is never starved by smaller ones arriving after it. `admits` narrows it for a while: no slot is
 * granted while the slots taken are as many as it says (the run's request window while the target
 * pushes back: what the run began finishes before more begins); `reconsider` when it widens.
 */
export class Slots {
  private free: number;
  private readonly waiting: { readonly weight: number; readonly grant: () => void }[] = [];

  constructor(
    readonly capacity: number,
    private readonly admits: () => number = () => Infinity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`slots need a capacity of at least 1, not ${capacity}`);
    this.free = capacity;
  }

  /** Waits for `weight` slots (at most the capacity) and gives back the function that returns them. */
  async acquire(weight = 1): Promise<() => void> {
    const wanted = Math.min(Math.max(1, weight), this.capacity);
    if (this.waiting.length === 0 && this.grantable(wanted)) this.free -= wanted;
    else await new Promise<void>((grant) => this.waiting.push({ weight: wanted, grant }));
    return this.releaser(wanted);
  }

  /**
   * One slot now, or none: for a check that would spread its cases over more slots (`CheckRun.lanes`)
   * while they are free. Checks waiting for a slot come first.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.waiting.length > 0 || !this.grantable(1)) return undefined;
    this.free -= 1;
    return this.releaser(1);
  }

  /** Everything: for a check that must be alone on the target. */
  acquireAll(): Promise<() => void> {
    return this.acquire(this.capacity);
  }

  /** The limit `admits` gives may have widened: grant what it now allows. */
  reconsider(): void {
    this.grantWaiting();
  }

  /** Gives `weight` taken slots back, once. */
  private releaser(weight: number): () => void {
    let returned = false;
    return () => {
      if (returned) return;
      returned = true;
      this.free += weight;
      this.grantWaiting();
    };
  }

  /** Free slots enough, and within what `admits` allows (a check that wants every slot needs only that none is taken). */
  private grantable(weight: number): boolean {
    return this.free >= weight && this.capacity - this.free + weight <= Math.max(weight, this.admits());
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.grantable(this.waiting[0]!.weight)) {
      const next = this.waiting.shift()!;
      this.free -= next.weight;
      next.grant();
    }
  }
}
