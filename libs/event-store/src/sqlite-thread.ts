import { Worker } from 'node:worker_threads';

/**
 * A worker thread holding a SQLite connection of its own, for the embedded stores' long writes (the
 * ledger's long appends, the read models' rebuild commits). Its script is plain JavaScript through
 * `eval`, given `workerData.file`, `.pragmas` and `.driver` (better-sqlite3's path): it needs nothing
 * else, so it runs the same under ts-jest, ts-node and the build. It answers what it is asked in the
 * order asked. Started on first use, never keeping an otherwise idle process alive; once it stops (an
 * error, an exit, `close`), everything waiting on it fails, and the next use starts a new one. What was
 * sent to a thread that stopped is lost with it: `ask` on that thread fails rather than going to the next.
 */
export class SqliteThread<Answer> {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  /** Answers awaited, in the order asked. */
  private readonly waiting: Array<{ resolve: (answer: Answer) => void; reject: (error: Error) => void }> = [];

  constructor(
    private readonly script: string,
    private readonly file: string,
    private readonly pragmas: string[],
    /** What the thread is, for the errors ("the ledger's writer thread"). */
    private readonly label: string,
  ) {}

  /** The running thread (a new one when there is none, or it stopped). */
  get thread(): Worker {
    if (this.worker && !this.failure) return this.worker;
    this.failure = undefined;
    const worker = new Worker(this.script, {
      eval: true,
      workerData: { file: this.file, pragmas: this.pragmas, driver: require.resolve('better-sqlite3') },
    });
    worker.unref();
    worker.on('message', (answer: Answer) => this.waiting.shift()?.resolve(answer));
    worker.on('error', (error) => this.stop(worker, error));
    worker.on('exit', (code) => this.stop(worker, new Error(`${this.label} stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Whether `worker` is still the running thread (nothing sent to it was lost). */
  alive(worker: Worker): boolean {
    return worker === this.worker && !this.failure;
  }

  /** Sends `message` to `worker` and waits for its answer; fails when that thread has stopped, or stops first. */
  ask(worker: Worker, message: unknown): Promise<Answer> {
    if (!this.alive(worker)) return Promise.reject(this.failure ?? new Error(`${this.label} stopped during a write`));
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.postMessage(message);
    });
  }

  /** Stops the thread because of `error` (it said something that cannot be trusted): what waits on it fails with it. */
  async fail(error: Error): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stop(worker, error);
    this.worker = undefined;
    await worker.terminate();
  }

  /** Stops the thread: whatever still waits on it fails (what it had not committed is rolled back). */
  close(): Promise<void> {
    return this.fail(new Error(`${this.label} was closed`));
  }

  private stop(worker: Worker, error: Error): void {
    if (this.worker !== worker || this.failure) return;
    this.failure = error;
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
  }
}
