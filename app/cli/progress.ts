/** A one-line progress bar on stderr (a plain line every 10% when stderr is not a terminal). */
export function progressBar(label: string) {
  const started = Date.now();
  let lastDecile = -1;
  return {
    update(fraction: number, detail: string) {
      const clamped = Math.max(0, Math.min(1, fraction));
      if (process.stderr.isTTY) {
        const width = 30;
        const filled = Math.round(clamped * width);
        const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
        process.stderr.write(`\r${label} [${bar}] ${(clamped * 100).toFixed(0).padStart(3)}% ${detail}   `);
        return;
      }
      const decile = Math.floor(clamped * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${label} ${(clamped * 100).toFixed(0)}% ${detail}\n`);
      }
    },
    done() {
      if (process.stderr.isTTY) process.stderr.write("\n");
      return (Date.now() - started) / 1000;
    },
  };
}
