import { describe, expect, it } from 'vitest';
import { parseCommandLine, type FlagTable } from '../../src/cli/args.js';
import { closestName, editDistance } from '../../src/cli/suggest.js';

const FLAGS: FlagTable = {
  base: { kind: 'string', value: 'an image', aliases: ['base_image', 'base-image'] },
  'x-offset': { kind: 'string', value: 'integer' },
  base64: { kind: 'boolean' },
  out: { kind: 'string', value: 'a file name' },
};

describe('parseCommandLine', () => {
  it.each([
    { args: ['--x-offset', '-50'], values: { 'x-offset': '-50' }, positionals: [] },
    { args: ['--x-offset=-50'], values: { 'x-offset': '-50' }, positionals: [] },
    { args: ['--x-offset', '-0.5'], values: { 'x-offset': '-0.5' }, positionals: [] },
    { args: ['--x-offset', '-.5'], values: { 'x-offset': '-.5' }, positionals: [] },
    { args: ['--x_offset', '-50'], values: { 'x-offset': '-50' }, positionals: [] },
    { args: ['--base_image', 'a.png', '--base-image=b.png'], values: { base: 'b.png' }, positionals: [] },
    { args: ['--out', '-', '--base64'], values: { out: '-', base64: true }, positionals: [] },
    { args: ['--out=--odd-name'], values: { out: '--odd-name' }, positionals: [] },
    { args: ['a', '-', '-7', '--', '--base'], values: {}, positionals: ['a', '-', '-7', '--base'] },
  ])('$args', ({ args, values, positionals }) => {
    const parsed = parseCommandLine(args, FLAGS, 'test');
    expect({ ...parsed.values }).toEqual(values);
    expect(parsed.positionals).toEqual(positionals);
  });

  it.each([
    [['--out'], '--out needs a value: a file name'],
    [['--out', '--base64'], '--out needs a value: a file name'],
    [['--x-offset', '-x'], '--x-offset needs a value: integer'],
    [['--base64=true'], '--base64 takes no value but received --base64=true'],
    [['--bsae', 'a'], 'unknown flag --bsae; did you mean --base?'],
    [['--offset-x', '1'], 'unknown flag --offset-x; did you mean --x-offset?'],
    [['--output', '1'], 'unknown flag --output; did you mean --out?'],
    [['--zzz'], 'unknown flag --zzz; test takes --base, --x-offset, --base64, --out (superimpose test --help)'],
    [['-o', 'x'], 'unknown flag -o; flags are spelled --name (superimpose test --help)'],
  ])('%j: %s', (args, message) => {
    expect(() => parseCommandLine(args, FLAGS, 'test')).toThrow(expect.objectContaining({ name: 'UsageError', message }));
  });
});

describe('closestName', () => {
  it.each([
    ['rescale-facter', 'rescale-factor'],
    ['rescale_factor', 'rescale-factor'],
    ['RESCALE', 'rescale-factor'],
    ['offset-y', 'y-offset'],
    ['format', 'image-format'],
    ['quality', 'image-quality'],
    ['bogus', undefined],
    ['x', undefined],
  ])('%s -> %s', (typed, meant) => {
    expect(closestName(typed, ['rescale-factor', 'x-offset', 'y-offset', 'image-format', 'image-quality', 'base', 'out'])).toBe(meant);
  });

  it.each([
    ['', '', 0],
    ['kitten', 'sitting', 3],
    ['out', 'output', 3],
    ['base', 'bsae', 2],
  ])('editDistance(%j, %j) = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
