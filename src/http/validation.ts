import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { parseOrThrow } from '../contract/parameters.js';

/**
 * Request parts are validated by the contract's own parser, once, before the
 * handler: a bad one becomes the same SuperimposeError, with the same message,
 * that the library throws.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, url, httpPart }) =>
  (data) => {
    try {
      return { value: parseOrThrow(schema, data, httpPart === 'body' ? (url.split('/').pop() ?? url) : (httpPart ?? 'request')) };
    } catch (error) {
      return { error: error as Error };
    }
  };
