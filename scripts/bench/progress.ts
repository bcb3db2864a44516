/** A progress bar on stderr: redrawn in place on a terminal, a line every quarter otherwise. */
export class Progress {
  private done = 0;
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastQuarter = 0;
  private printed = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.draw(true);
  }

  tick(n = 1): void {
    this.done += n;
    this.draw(this.done >= this.total);
  }

  finish(note = ''): void {
    this.done = Math.max(this.done, this.total);
    this.draw(true);
    if (this.tty) process.stderr.write('\n');
    if (note) process.stderr.write(`  ${note}\n`);
  }

  private draw(force: boolean): void {
    const now = performance.now();
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const share = this.total ? Math.min(1, this.done / this.total) : 1;
    if (this.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 28;
      const full = Math.round(share * width);
      const bar = '█'.repeat(full) + '░'.repeat(width - full);
      const line = `${this.label.padEnd(34)} ${bar} ${String(this.done).padStart(5)}/${this.total} ${rate.toFixed(1).padStart(6)}/s ${secs.toFixed(1).padStart(6)} s`;
      process.stderr.write(`\r${line}`);
    } else {
      const quarter = Math.floor(share * 4);
      if (this.printed && quarter <= this.lastQuarter) return;
      this.printed = true;
      this.lastQuarter = quarter;
      process.stderr.write(
        `${this.label}: ${this.done}/${this.total} (${Math.round(share * 100)} %, ${rate.toFixed(1)}/s, ${secs.toFixed(1)} s)\n`,
      );
    }
  }
}

/** A line on stderr that does not break the bar. */
export function note(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
