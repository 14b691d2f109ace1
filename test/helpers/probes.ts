/** The p-th percentile of samples, by rank; 0 for none. */
export const percentile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

/** Asks `url`/health every `everyMs` until stopped; the stop gives each answer's latency, in ms. */
export function watchHealth(url: string, everyMs: number): () => Promise<number[]> {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${url}/health`).then((res) => res.arrayBuffer());
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => ((running = false), await loop, latencies);
}
