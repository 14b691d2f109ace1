import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SuperimposeError } from '../../contract/errors.js';
import { mockupJsonSchema } from '../../contract/mockup.js';
import { superimposeJsonSchema } from '../../contract/superimpose.js';
import type { JobRecord } from '../../jobs/record.js';
import type { JobService } from '../../jobs/service.js';
import { publicBaseUrl, type PublicUrlPolicy } from '../public-url.js';
import {
  errorResponses,
  failedSchema,
  idParams,
  imageResponse,
  json,
  relayableErrorResponses,
  relayedResponse,
  resultSchema,
  statusSchema,
  submissionSchema,
  unfinishedSchema,
  type SegmindStatus,
} from '../schemas.js';
import type { Relay } from './proxy.js';
import { contentType } from './superimpose.js';

interface JobRoutesOptions {
  readonly jobs: JobService;
  readonly publicUrl: PublicUrlPolicy;
  /** Relays polls for generative jobs to Segmind. */
  readonly relay: Relay;
}

type Local = Exclude<JobRecord, { status: 'forwarded' | 'evicted' }>;

const failed = json('The job failed or was cancelled; error says why', failedSchema);

/** Each state as Segmind names it: a cancelled job is a failed one to a Segmind client. */
const SEGMIND_STATUS: Record<Local['status'], SegmindStatus> = {
  queued: 'QUEUED',
  running: 'PROCESSING',
  succeeded: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'FAILED',
};

const metrics = (job: Local) => ('seconds' in job && job.seconds !== undefined ? { inference_time: job.seconds } : {});

const failureOf = (job: Local): string | undefined => (job.status === 'failed' ? job.error : job.status === 'cancelled' ? `Cancelled: ${job.reason}` : undefined);

/** The v2 submit-and-poll flow, with Segmind's shapes. */
export function jobRoutes(app: FastifyInstance, { jobs, publicUrl, relay }: JobRoutesOptions): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const base = (request: FastifyRequest) => `${publicBaseUrl(request, publicUrl)}/v2/requests`;

  const find = async (id: string): Promise<Exclude<JobRecord, { status: 'evicted' }>> => {
    const job = await jobs.get(id);
    if (!job) throw new SuperimposeError('not_found', `No request ${id}: unknown, or its result has expired`);
    if (job.status === 'evicted') throw new SuperimposeError('not_found', `No result for request ${id}: ${job.reason}; submit it again`);
    return job;
  };

  /** 422 for a job that ended without output, on every endpoint. */
  const ifFailed = (reply: FastifyReply, job: Local) => {
    const error = failureOf(job);
    return error === undefined ? undefined : reply.status(422).send({ request_id: job.id, status: 'FAILED', error, metrics: metrics(job) });
  };

  const byRequestId = { id: '$response.body#/request_id' };
  const links = {
    200: {
      status: { operationId: 'getJobStatus', parameters: byRequestId },
      result: { operationId: 'getJobResult', parameters: byRequestId },
      output: { operationId: 'getJobOutput', parameters: byRequestId },
    },
  };
  const submitResponses = { 200: json('Queued: poll status_url, then read response_url', submissionSchema), ...errorResponses(400, 401, 408, 413, 415, 429, 503) };
  const submitted = (request: FastifyRequest, job: JobRecord) => {
    const urls = base(request);
    return { request_id: job.id, status: 'QUEUED' as const, status_url: `${urls}/${job.id}/status`, response_url: `${urls}/${job.id}` };
  };
  routes.post('/v2/superimpose', {
    links,
    schema: { operationId: 'submitSuperimpose', summary: 'Submit a superimpose job', body: superimposeJsonSchema, response: submitResponses },
    handler: async (request) => submitted(request, await jobs.submit({ kind: 'superimpose', params: request.body })),
  });
  routes.post('/v2/mockup', {
    links,
    schema: { operationId: 'submitMockup', summary: 'Submit a mockup job', body: mockupJsonSchema, response: submitResponses },
    handler: async (request) => submitted(request, await jobs.submit({ kind: 'mockup', params: request.body })),
  });

  routes.get('/v2/requests/:id/status', {
    schema: {
      operationId: 'getJobStatus',
      summary: 'Job status',
      params: idParams,
      response: { 200: json('The state; metrics.inference_time once finished', statusSchema), 422: failed, ...relayableErrorResponses(400, 401, 404, 502, 503, 504), default: relayedResponse },
    },
    handler: async (request, reply) => {
      const job = await find(request.params.id);
      if (job.status === 'forwarded') return relay(request, reply, { method: 'GET', url: job.upstream.statusUrl });
      return ifFailed(reply, job) ?? { request_id: job.id, status: SEGMIND_STATUS[job.status], metrics: metrics(job) };
    },
  });

  routes.get('/v2/requests/:id', {
    schema: {
      operationId: 'getJobResult',
      summary: 'Job result: 202 until it is finished',
      params: idParams,
      response: { 200: json('Finished', resultSchema), 202: json('Not finished yet: poll again', unfinishedSchema), 422: failed, ...relayableErrorResponses(400, 401, 404, 502, 503, 504), default: relayedResponse },
    },
    handler: async (request, reply) => {
      const job = await find(request.params.id);
      if (job.status === 'forwarded') return relay(request, reply, { method: 'GET', url: job.upstream.responseUrl });
      const failure = ifFailed(reply, job);
      if (failure) return failure;
      if (job.status !== 'succeeded') {
        return reply.status(202).send({ request_id: job.id, status: job.status === 'queued' ? 'QUEUED' : 'PROCESSING', output: null, metrics: metrics(job), error: null });
      }
      const { output } = job;
      const url = output.base64 ? `data:${contentType(output.format)};base64,${output.data.toString('base64')}` : `${base(request)}/${job.id}/output`;
      return { request_id: job.id, status: 'COMPLETED' as const, output: url, metrics: metrics(job), error: null };
    },
  });

  routes.get('/v2/requests/:id/output', {
    schema: {
      operationId: 'getJobOutput',
      summary: 'Job output image (no key needed: the id is the capability)',
      security: [],
      params: idParams,
      response: { 200: imageResponse('The image'), 422: failed, ...errorResponses(400, 404, 503) },
    },
    handler: async (request, reply) => {
      const job = await find(request.params.id);
      if (job.status === 'forwarded') throw new SuperimposeError('not_found', `Request ${job.id} ran on Segmind: read its output from GET /v2/requests/${job.id}`);
      const failure = ifFailed(reply, job);
      if (failure) return failure;
      if (job.status !== 'succeeded') throw new SuperimposeError('not_found', `Request ${job.id} has no output yet: it is ${SEGMIND_STATUS[job.status]}`);
      return reply.type(contentType(job.output.format)).send(job.output.data);
    },
  });
}
