import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseSuperimposeRequest } from '../../contract/superimpose.js';
import { SuperimposeError } from '../../errors.js';
import type { JobService } from '../../jobs/service.js';
import type { JobRecord } from '../../jobs/store.js';
import { publicBaseUrl } from '../public-url.js';
import { contentType } from '../render.js';
import type { Relay } from './proxy.js';

interface JobRoutesOptions {
  readonly jobs: JobService;
  readonly publicUrl: string | undefined;
  /** Relays polls for generative jobs to Segmind. */
  readonly relay: Relay;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const metrics = (job: JobRecord) => (job.inferenceTime === undefined ? {} : { inference_time: job.inferenceTime });

/** The v2 submit-and-poll flow, with Segmind's shapes. */
export function jobRoutes(app: FastifyInstance, { jobs, publicUrl, relay }: JobRoutesOptions): void {
  const base = (request: FastifyRequest) => `${publicBaseUrl(request, publicUrl)}/v2/requests`;

  const find = async (request: IdRequest): Promise<JobRecord> => {
    const job = await jobs.store.get(request.params.id);
    if (!job) throw new SuperimposeError('not_found', `No request ${request.params.id}: unknown, or its result has expired`);
    return job;
  };

  const failed = (reply: FastifyReply, job: JobRecord) =>
    reply.status(422).send({ request_id: job.id, status: job.status, error: job.error ?? 'Failed', metrics: metrics(job) });

  app.post('/v2/superimpose', async (request) => {
    const params = parseSuperimposeRequest(request.body);
    const job = await jobs.submit(params);
    const urls = base(request);
    return { request_id: job.id, status: job.status, status_url: `${urls}/${job.id}/status`, response_url: `${urls}/${job.id}` };
  });

  app.get('/v2/requests/:id/status', async (request: IdRequest, reply) => {
    const job = await find(request);
    if (job.upstream) return relay(request, reply, { method: 'GET', url: job.upstream.statusUrl });
    if (job.status === 'FAILED') return failed(reply, job);
    return { request_id: job.id, status: job.status, metrics: metrics(job) };
  });

  app.get('/v2/requests/:id', async (request: IdRequest, reply) => {
    const job = await find(request);
    if (job.upstream) return relay(request, reply, { method: 'GET', url: job.upstream.responseUrl });
    if (job.status === 'FAILED') return failed(reply, job);
    if (job.status !== 'COMPLETED' || !job.result) {
      return reply.status(202).send({ request_id: job.id, status: job.status, output: null, metrics: metrics(job), error: null });
    }
    const { result } = job;
    const output = result.base64
      ? `data:${contentType(result.format)};base64,${result.data.toString('base64')}`
      : `${base(request)}/${job.id}/output`;
    return { request_id: job.id, status: job.status, output, metrics: metrics(job), error: null };
  });

  app.get('/v2/requests/:id/output', async (request: IdRequest, reply) => {
    const job = await find(request);
    if (job.status === 'FAILED') return failed(reply, job);
    if (!job.result) throw new SuperimposeError('not_found', `Request ${job.id} has no output yet: it is ${job.status}`);
    return reply.type(contentType(job.result.format)).send(job.result.data);
  });
}
