import { Worker } from 'node:worker_threads';

/**
 * A worker thread holding a SQLite connection of its own, for the embedded stores' long writes (the
 * ledger's long appends, the read models' rebuild commits). Its script is plain JavaScript through
 * `eval`, given `workerData.file`, `.pragmas` and `.driver` (better-sqlite3's path): it needs nothing
 * else, so it runs the same under ts-jest, ts-node and the build. Started on first use, never keeping
 * an otherwise idle process alive; once it stops (an error, an exit), `stopped` says why and the next
 * use starts a new one.
 */
export class SqliteThread<Answer> {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private startCount = 0;

  constructor(
    private readonly script: string,
    private readonly file: string,
    private readonly pragmas: string[],
    /** What the thread is, for the error when it stops ("the ledger's writer thread"). */
    private readonly label: string,
    private readonly onAnswer: (answer: Answer) => void,
    /** Called once when the thread stops: whatever waits on it fails with the error. */
    private readonly onStop: (error: Error) => void,
  ) {}

  get stopped(): Error | undefined {
    return this.failure;
  }

  /** How many threads were started so far: what was sent to one is lost once another answers. */
  get starts(): number {
    return this.startCount;
  }

  /** The running thread (started if there is none). */
  get thread(): Worker {
    if (this.worker && !this.failure) return this.worker;
    this.failure = undefined;
    this.startCount++;
    const worker = new Worker(this.script, {
      eval: true,
      workerData: { file: this.file, pragmas: this.pragmas, driver: require.resolve('better-sqlite3') },
    });
    worker.unref();
    const stop = (error: Error) => {
      if (this.worker !== worker || this.failure) return;
      this.failure = error;
      this.onStop(error);
    };
    worker.on('message', (answer: Answer) => this.onAnswer(answer));
    worker.on('error', stop);
    worker.on('exit', (code) => stop(new Error(`${this.label} stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Stops the thread: whatever still waits on it fails (what it had not committed is rolled back). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    if (!this.failure) {
      this.failure = new Error(`${this.label} was closed`);
      this.onStop(this.failure);
    }
    await worker.terminate();
  }
}
