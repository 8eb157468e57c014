/**
 * Taking turns between the bots of one benchmark run, so that they are measured side by side: what
 * the machine does meanwhile (other work, CPU frequency, PostgreSQL's background writes) falls on all
 * of them alike instead of on whichever ran at the wrong minute.
 */

/** One task at a time, in the order they asked: bots queueing for it take turns, round-robin. */
export class FifoLock {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** Resolves once `parties` have arrived; rejects for all if one of them fails instead. */
export class Barrier {
  #arrived = 0;
  #open!: () => void;
  #fail!: (error: unknown) => void;
  readonly #opened: Promise<void>;

  constructor(private readonly parties: number) {
    this.#opened = new Promise<void>((resolve, reject) => {
      this.#open = resolve;
      this.#fail = reject;
    });
    this.#opened.catch(() => undefined);
    if (parties <= 0) this.#open();
  }

  arrive(): Promise<void> {
    this.#arrived++;
    if (this.#arrived >= this.parties) this.#open();
    return this.#opened;
  }

  fail(error: unknown): void {
    this.#fail(error);
  }
}
