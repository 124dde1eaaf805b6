// A progress bar on stderr: cli-progress when it is installed, else a small built-in one (a TTY redraws one line;
// anything else — CI logs — gets a plain line every few seconds).

export interface Progress {
  start(total: number, label: string): void;
  update(value: number, label?: string): void;
  /** A line of its own, above the bar. */
  log(line: string): void;
  stop(): void;
}

interface CliProgressBar {
  start(total: number, start: number, payload?: Record<string, string>): void;
  update(value: number, payload?: Record<string, string>): void;
  setTotal(total: number): void;
  stop(): void;
}
interface CliProgressModule {
  SingleBar: new (options: Record<string, unknown>, preset?: unknown) => CliProgressBar;
  Presets: { shades_classic: unknown };
}

const isCliProgress = (m: unknown): m is CliProgressModule =>
  typeof m === 'object' && m !== null && typeof (m as { SingleBar?: unknown }).SingleBar === 'function';

/** Loads cli-progress if present (a variable specifier: the benchmark works without it). */
async function loadCliProgress(): Promise<CliProgressModule | undefined> {
  const specifier = 'cli-progress';
  try {
    const mod: unknown = await import(specifier);
    const candidate: unknown = (mod as { default?: unknown }).default ?? mod;
    return isCliProgress(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

class CliProgress implements Progress {
  private bar: CliProgressBar | undefined;
  private active = false;
  private total = 1;
  private value = 0;
  private label = '';
  constructor(private readonly mod: CliProgressModule) {}

  start(total: number, label: string, from = 0): void {
    this.stop();
    this.bar = new this.mod.SingleBar(
      { format: ' {bar} {percentage}% | {value}/{total} | {label}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
      this.mod.Presets.shades_classic,
    );
    this.total = Math.max(1, total);
    this.value = Math.min(from, this.total);
    this.label = label;
    this.bar.start(this.total, this.value, { label });
    this.active = true;
  }

  update(value: number, label?: string): void {
    if (label !== undefined) this.label = label;
    this.value = Math.min(value, this.total);
    this.bar?.update(this.value, { label: this.label });
  }

  log(line: string): void {
    const wasActive = this.active;
    this.stop();
    process.stderr.write(`${line}\n`);
    if (wasActive) {
      const { total, value, label } = this;
      this.start(total, label, value);
    }
  }

  stop(): void {
    if (this.active) this.bar?.stop();
    this.active = false;
  }
}

/** The fallback: `[#######-------]  48% 4800/10000 label`. */
class PlainProgress implements Progress {
  private total = 1;
  private value = 0;
  private label = '';
  private lastDraw = 0;
  private drawn = false;
  private readonly tty = process.stderr.isTTY;

  start(total: number, label: string): void {
    this.stop();
    this.total = Math.max(1, total);
    this.value = 0;
    this.label = label;
    this.lastDraw = 0;
    this.draw(true);
  }

  update(value: number, label?: string): void {
    this.value = Math.min(value, this.total);
    if (label !== undefined) this.label = label;
    this.draw(false);
  }

  log(line: string): void {
    if (this.drawn && this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
    if (this.drawn && this.tty) this.draw(true);
  }

  stop(): void {
    if (this.drawn) {
      this.draw(true);
      if (this.tty) process.stderr.write('\n');
    }
    this.drawn = false;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : 5_000)) return;
    this.lastDraw = now;
    const width = 30;
    const fraction = this.value / this.total;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${this.value}/${this.total} ${this.label}`;
    if (this.tty) process.stderr.write(`\r\x1b[K${bar.slice(0, (process.stderr.columns || 120) - 1)}`);
    else process.stderr.write(`${bar}\n`);
    this.drawn = true;
  }
}

export async function createProgress(): Promise<Progress> {
  if (!process.stderr.isTTY) return new PlainProgress();
  const mod = await loadCliProgress();
  return mod ? new CliProgress(mod) : new PlainProgress();
}
