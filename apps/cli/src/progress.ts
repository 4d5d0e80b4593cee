import { MultiBar, Presets, SingleBar } from 'cli-progress';

/** One task's progress: a bar on a terminal, plain periodic lines elsewhere. */
export interface ProgressTask {
  update(value: number): void;
  increment(task?: string): void;
}

/**
 * Progress bars that degrade to plain lines off a terminal (a CI log, a pipe, a file): one line per
 * task at most every `everyMs` and when it completes, no control characters.
 */
export class Progress {
  private readonly bars?: MultiBar;

  constructor(
    private readonly tty = Boolean(process.stdout.isTTY),
    private readonly out: (line: string) => void = (line) => console.log(line),
    private readonly everyMs = 2_000,
  ) {
    if (tty) {
      this.bars = new MultiBar(
        { format: ' {bar} {percentage}% | {value}/{total} | {task}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      );
    }
  }

  create(total: number, task: string): ProgressTask {
    if (this.bars) {
      const bar: SingleBar = this.bars.create(total, 0, { task });
      return {
        update: (value) => bar.update(value, { task }),
        increment: (next) => {
          if (next !== undefined) task = next;
          bar.increment(1, { task });
        },
      };
    }
    let value = 0;
    let last = 0;
    const report = () => {
      const now = Date.now();
      if (value < total && now - last < this.everyMs) return;
      last = now;
      this.out(`${task}: ${value}/${total} (${total > 0 ? Math.floor((value / total) * 100) : 100}%)`);
    };
    return {
      update: (v) => {
        value = v;
        report();
      },
      increment: (next) => {
        if (next !== undefined) task = next;
        value++;
        report();
      },
    };
  }

  stop(): void {
    this.bars?.stop();
  }
}
