/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The same words in any order: "offset-x" and "x-offset". */
const sameWords = (a: string, b: string): boolean => a.split('-').sort().join('-') === b.split('-').sort().join('-');

/** One name holds the other, which has at least 3 characters. */
const overlaps = (a: string, b: string): boolean => (a.length >= 3 && b.includes(a)) || (b.length >= 3 && a.includes(b));

/**
 * The candidate a mistyped name most likely meant, or undefined when none is
 * close: a few typos (a third of the name, at least 2), the same words
 * reordered, or one name inside the other ("format" for "image-format",
 * "output" for "out").
 */
export function closestName(typed: string, candidates: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase().replace(/_/g, '-');
  const near = candidates
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate) }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(wanted.length / 3)) || sameWords(wanted, candidate) || overlaps(wanted, candidate))
    .sort((a, b) => a.distance - b.distance);
  return near[0]?.candidate;
}
