import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { mockupJsonSchema, parseMockupRequest } from '../contract/mockup.js';
import { parseOrThrow } from '../contract/parameters.js';

/** Schemas whose contract has a parser of its own: it names nested fields (`layers[1].quad`), where the generic one names the top level. */
const CONTRACT_PARSERS = new Map<z.ZodType, (input: unknown) => unknown>([[mockupJsonSchema, (input) => parseMockupRequest(input, 'json')]]);

/**
 * Request parts are validated by the contract's own parser, once, before the
 * handler: a bad one becomes the same SuperimposeError, with the same message,
 * that the library throws.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, url, httpPart }) =>
  (data) => {
    try {
      const parse = CONTRACT_PARSERS.get(schema) ?? ((input: unknown) => parseOrThrow(schema, input, httpPart === 'body' ? (url.split('/').pop() ?? url) : (httpPart ?? 'request')));
      return { value: parse(data) };
    } catch (error) {
      return { error: error as Error };
    }
  };
