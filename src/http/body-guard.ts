import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerConfig } from '../config/server.js';
import { SuperimposeError } from '../contract/errors.js';
import { settingName } from '../runtime/settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests with bodies in hand now (from their headers to their answers), and their bytes: declared lengths as reserved, chunked bodies as received. */
    readonly bodiesInFlight: { readonly bodies: number; readonly bytes: number };
  }
}

/** Fastify reads no body for these methods, so there is nothing to bound. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

/** A 408 that the error handler passes on with its message, as it does any framework 4xx. */
class BodyTimeout extends Error {
  readonly statusCode = 408;
}

interface Reading {
  /** Whether the body has been read to its end. */
  readonly complete: boolean;
  /** Pipes the body through a meter that counts chunked bytes and times the upload. */
  meter(source: Readable, reply: FastifyReply): Transform;
  /** Gives back the count and bytes; idempotent, as every way a body can end calls it. */
  release(): void;
}

/**
 * Bounds the request bodies in hand at once, from their headers to their
 * answers, in count and bytes, and cuts
 * uploads that stall or trickle, so that many or slow clients cannot hold the
 * server's memory. Refusals come before the body is read (503 with
 * Retry-After) and close the connection, so the rest of the body is not read
 * only to be discarded. Requests without a body are never counted.
 */
export function guardBodies(app: FastifyInstance, config: Pick<ServerConfig, 'bodies' | 'bodyLimit' | 'names'>): void {
  const { maxInFlight, maxBytesInFlight, idleTimeoutMs, minBytesPerSecond } = config.bodies;
  const names = config.names;
  let bodies = 0;
  let bytes = 0;
  app.decorate('bodiesInFlight', { getter: () => ({ bodies, bytes }) });

  const closing = (reply: FastifyReply) => {
    if (!reply.sent) reply.header('connection', 'close');
  };
  // The error handler gives every 503 its Retry-After.
  const busy = (reply: FastifyReply, message: string) => {
    closing(reply);
    return new SuperimposeError('unavailable', `${message}: retry later`);
  };

  function admit(reserved: number, chunked: boolean): Reading {
    let held = reserved;
    let released = false;
    let complete = false;
    let timer: NodeJS.Timeout | undefined;
    bodies++;
    bytes += held;
    const release = () => {
      clearInterval(timer);
      if (released) return;
      released = true;
      bodies--;
      bytes -= held;
    };

    const meter = (source: Readable, reply: FastifyReply) => {
      const startedAt = performance.now();
      let lastAt = startedAt;
      let received = 0;
      const stop = (error: Error) => {
        closing(reply);
        source.unpipe(stream);
        source.pause();
        release();
        stream.destroy(error);
      };
      const stream = new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          received += chunk.length;
          lastAt = performance.now();
          if (chunked && !released) {
            held += chunk.length;
            bytes += chunk.length;
            if (bytes > maxBytesInFlight) {
              return stop(busy(reply, `Request bodies in hand passed ${maxBytesInFlight} bytes (${settingName(names, 'bodyBytesInFlight')})`));
            }
          }
          callback(null, chunk);
        },
        flush(callback: TransformCallback) {
          // Read in full: no more pauses to time. The bytes stay counted while the request
          // is handled (its body joined, decoded, parsed, rendered), until its answer.
          complete = true;
          clearInterval(timer);
          callback();
        },
      });
      // Fastify listens only while it reads: an error after that (a client leaving a body already
      // answered) would otherwise be thrown.
      stream.on('error', () => {});
      stream.once('close', () => {
        if (!stream.writableFinished) release();
      });
      source.once('error', (error) => stream.destroy(error));
      source.once('close', () => {
        if (!stream.writableEnded) stream.destroy(new Error('The client went away before sending its whole body'));
      });

      source.pipe(stream);
      if (released) return stream;
      // One check a tick rather than a timer reset per chunk: a 408 comes at most a tick (a fifth of the
      // idle bound, a second at most) late.
      timer = setInterval(
        () => {
          const now = performance.now();
          if (now - lastAt >= idleTimeoutMs) {
            stop(new BodyTimeout(`No bytes of the request body arrived for ${idleTimeoutMs} ms (${settingName(names, 'bodyIdleTimeoutMs')})`));
          } else if (minBytesPerSecond > 0 && now - startedAt >= idleTimeoutMs && received * 1000 < minBytesPerSecond * (now - startedAt)) {
            const rate = Math.floor((received * 1000) / (now - startedAt));
            stop(new BodyTimeout(`The request body arrives at ${rate} bytes/s, under the floor of ${minBytesPerSecond} bytes/s (${settingName(names, 'bodyMinBytesPerSecond')})`));
          }
        },
        Math.min(1000, Math.max(20, idleTimeoutMs / 5)),
      ).unref();
      return stream;
    };
    return {
      get complete() {
        return complete;
      },
      meter,
      release,
    };
  }

  const readings = new WeakMap<object, Reading>();

  app.addHook('onRequest', (request, reply, done) => {
    const chunked = request.headers['transfer-encoding'] !== undefined;
    const declared = chunked ? 0 : Number(request.headers['content-length'] ?? 0);
    if (BODYLESS.has(request.method) || (!chunked && !(declared > 0))) return done();
    if (declared > config.bodyLimit) {
      // Fastify answers 413 before reading; closing spares reading the rest only to discard it.
      closing(reply);
      return done();
    }
    if (declared > maxBytesInFlight) {
      closing(reply);
      return done(new SuperimposeError('too_large', `Request body of ${declared} bytes is larger than the bytes of bodies held at once (${maxBytesInFlight}, ${settingName(names, 'bodyBytesInFlight')})`));
    }
    if (bodies >= maxInFlight) {
      return done(busy(reply, `Too many requests with bodies in hand (${maxInFlight}, ${settingName(names, 'bodiesInFlight')})`));
    }
    if (bytes + declared > maxBytesInFlight) {
      return done(busy(reply, `Request bodies in hand hold ${bytes} of ${maxBytesInFlight} bytes (${settingName(names, 'bodyBytesInFlight')}), too many for ${declared} more`));
    }
    const reading = admit(declared, chunked);
    readings.set(request, reading);
    // A body is held until its answer has gone, or its client: the copies made of it (the
    // JSON text, the parsed request, the decoded images) live that long.
    reply.raw.once('close', reading.release);
    done();
  });

  app.addHook('preParsing', (request, reply, payload, done) => {
    const reading = readings.get(request);
    done(null, reading ? reading.meter(payload, reply) : payload);
  });

  // An answer sent while the body is still coming (a chunked body over the limit, a body of the wrong type):
  // the rest would be read only to be discarded, or hold the connection until the request timeout.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (readings.get(request)?.complete === false) closing(reply);
    done(null, payload);
  });
}
