import { writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { OUTPUT_FORMATS, type OutputFormat } from '../engine/codec.js';
import { pathKind } from '../runtime/sources.js';
import { UsageError } from './errors.js';

const IMAGE_EXTENSIONS: Readonly<Record<string, OutputFormat>> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' };

/** How a message names the output settings: flags for compose, job fields for batch. */
export interface OutputNames {
  readonly out: string;
  readonly imageFormat: string;
  readonly base64: string;
}

const FLAG_NAMES: OutputNames = { out: '--out', imageFormat: '--image-format', base64: '--base64' };

const isOutputFormat = (value: unknown): value is OutputFormat => (OUTPUT_FORMATS as readonly unknown[]).includes(value);

/**
 * The output format for a file name, by one rule: without an explicit format,
 * the extension decides (.jpg/.jpeg, .png, .webp; none, or "-": the API's
 * default, jpeg); an explicit format must agree with an image extension; base64
 * text never goes into a file named as an image. Anything else is a usage error
 * naming both sides. Undefined: the request's own image_format, or the
 * default, stands; one that is no format at all is left to the schema, which
 * names it.
 */
export function outputFormatFor(out: string, requested: { imageFormat?: unknown; base64?: unknown }, names: OutputNames = FLAG_NAMES): OutputFormat | undefined {
  const explicit = requested.imageFormat;
  if (out === '-') return undefined;
  const extension = /\.([a-z0-9]+)$/i.exec(out)?.[1]?.toLowerCase();
  const named = extension === undefined ? undefined : IMAGE_EXTENSIONS[extension];
  if (requested.base64 === true) {
    if (named) {
      throw new UsageError(`${names.base64} writes base64 text, not a .${extension} image, but ${names.out} is ${out}: name a text file (.txt, .b64), write to standard output (${names.out} -), or drop ${names.base64}`);
    }
    return undefined;
  }
  if (extension === undefined) return undefined;
  if (!named) {
    throw new UsageError(`Expected ${names.out} to end in .jpg, .jpeg, .png or .webp (or ${names.base64} for a text file) but received ${out}`);
  }
  if (isOutputFormat(explicit) && explicit !== named) {
    throw new UsageError(`${names.imageFormat} ${explicit} contradicts ${names.out} ${out}, a ${named} name: drop one of them or make them agree`);
  }
  return named;
}

/** Refuses, before any work, an output path that names a folder or lies in a folder that does not exist. */
export async function checkOutputPath(path: string, flag: string, example = 'mockup.jpg'): Promise<void> {
  const endsInSeparator = path.endsWith('/') || path.endsWith(sep);
  if (endsInSeparator || (await pathKind(path)) === 'folder') {
    throw new UsageError(`${flag} ${path} names a folder: name the file to write inside it, such as ${join(path, example)}`);
  }
  const folder = dirname(path);
  const folderKind = await pathKind(folder);
  if (folderKind === 'missing') throw new UsageError(`${flag} ${path}: the folder ${folder} does not exist`);
  if (folderKind === 'file') throw new UsageError(`${flag} ${path}: ${folder} is a file, not a folder`);
}

/** Writes a result; a failure (no permission, disk full) is one line naming the path. */
export async function writeOutput(path: string, data: Buffer | string, flag: string): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (cause) {
    throw new UsageError(`Could not write ${flag} ${path}: ${(cause as Error).message}`, { cause });
  }
}
