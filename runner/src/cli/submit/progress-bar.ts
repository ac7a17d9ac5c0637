/** A one-line progress bar on stderr (redrawn in place on a terminal; a line per 10% otherwise, for logs). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (sent: number, total: number) => void {
  let lastTenth = -1;
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  return (sent, total) => {
    const fraction = total > 0 ? Math.min(1, sent / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${mb(sent)}/${mb(total)} MiB`;
    if (stream.isTTY) {
      stream.write(`\r${line}${fraction === 1 ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}
