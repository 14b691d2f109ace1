export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Times `job` `iterations` times after a warm-up; returns the median in ms. */
export async function medianTime(job: () => Promise<unknown>, iterations: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await job();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await job();
    samples.push(performance.now() - start);
  }
  return median(samples);
}
