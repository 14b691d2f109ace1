import { expect, it } from 'vitest';
import { firstDifference, random } from './random.js';

/** What names a case in a failure: its round, sizes, window and the like. */
export type CaseLabel = Readonly<Record<string, unknown>>;

/** One input to a WebAssembly kernel: the bytes the kernel gives for it, and those its plain TypeScript reference gives. */
export interface KernelCase {
  readonly label: CaseLabel;
  readonly kernel: () => Uint8Array;
  readonly reference: () => Uint8Array;
}

/** A row of a kernel's table: one test, its cases (drawn as it runs), and a check on the kernels once all have run. */
export interface KernelTest {
  readonly name: string;
  readonly cases: () => Iterable<KernelCase>;
  readonly afterwards?: () => void;
}

/**
 * Holds each kernel to its reference byte for byte on every case; a failure
 * names the case, the first byte that differs and both values there.
 * Gives the number of cases compared.
 */
function expectKernelMatchesReference(cases: Iterable<KernelCase>): number {
  let compared = 0;
  for (const { label, kernel, reference } of cases) {
    const got = kernel();
    const wanted = reference();
    const at = firstDifference(got, wanted);
    if (at !== -1) expect({ ...label, at, got: got[at], wanted: wanted[at] }).toEqual({ ...label, at: -1 });
    compared++;
  }
  return compared;
}

/** One test a row, each holding the kernel to its reference on all of the row's cases. */
export function itMatchesReference(tests: readonly KernelTest[]): void {
  for (const { name, cases, afterwards } of tests) {
    it(name, () => {
      // A row that yields no case would pass having tested nothing.
      expect(expectKernelMatchesReference(cases())).toBeGreaterThan(0);
      afterwards?.();
    });
  }
}

/**
 * `rounds` cases drawn in turn from one generator seeded with `seed`, each
 * labelled with its round, so that a failure names a case that can be replayed.
 */
export function* randomCases(seed: number, rounds: number, draw: (next: () => number, round: number) => KernelCase): Generator<KernelCase> {
  const next = random(seed);
  for (let round = 0; round < rounds; round++) {
    const drawn = draw(next, round);
    yield { ...drawn, label: { round, ...drawn.label } };
  }
}
