import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small, honest CodePipeline job service for worker tests: JSON 1.1 on 127.0.0.1 with PollForJobs,
 * AcknowledgeJob, GetJobDetails, PutJobSuccessResult and PutJobFailureResult. A queued job goes to exactly
 * one poller with a fresh nonce; a job handed out but not acknowledged within `ackTimeoutMs` is handed out
 * again (with a new nonce); a result for a job that is not InProgress is InvalidJobStateException; a
 * success with a continuation token queues a new job carrying it. Every result is counted per job.
 */
export interface FakeActionTypeId {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface FakeJobInput {
  actionTypeId: FakeActionTypeId;
  configuration?: Record<string, string>;
  inputArtifacts?: unknown[];
  outputArtifacts?: unknown[];
  continuationToken?: string;
  pipelineName?: string;
}

export type FakeJobStatus = 'Queued' | 'Dispatched' | 'InProgress' | 'Succeeded' | 'Failed';

export interface FakeJob {
  id: string;
  input: FakeJobInput;
  status: FakeJobStatus;
  nonce?: string;
  dispatchedAt?: number;
  /** Every result accepted for this job (an honest service accepts exactly one). */
  results: { kind: 'success' | 'failure'; body: Record<string, any> }[];
  /** How many times the job was handed to a poller. */
  dispatches: number;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeJobServer {
  readonly jobs = new Map<string, FakeJob>();
  /** Calls per operation name. */
  readonly calls: Record<string, number> = {};
  /** Raw request bodies, in order (for redaction and argument checks). */
  readonly requests: { target: string; body: Record<string, any> }[] = [];
  /** Errors to answer the next calls of an operation with (consumed in order). */
  readonly injectedErrors: Record<string, string[]> = {};
  private readonly queue: string[] = [];
  private server?: Server;
  private seq = 0;
  /**
   * Fault: the next poll also returns these already-acknowledged jobs (with their nonce), as an
   * at-least-once delivery would.
   */
  redeliverOnNextPoll: string[] = [];
  /** Called before each operation is answered; may delay it (e.g. to widen races). */
  beforeAnswer?: (target: string) => Promise<void> | void;

  constructor(readonly options: { ackTimeoutMs?: number } = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.endpoint;
  }

  get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  addJob(input: FakeJobInput): string {
    const id = `job-${String(++this.seq).padStart(5, '0')}-${randomUUID().slice(0, 8)}`;
    this.jobs.set(id, { id, input, status: 'Queued', results: [], dispatches: 0 });
    this.queue.push(id);
    return id;
  }

  /** Jobs with more than one accepted result (must stay empty). */
  doubleReported(): FakeJob[] {
    return [...this.jobs.values()].filter((j) => j.results.length > 1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '').replace('CodePipeline_20150709.', '');
    let body: Record<string, any>;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return this.send(res, 400, { __type: 'SerializationException', message: 'bad JSON' });
    }
    this.calls[target] = (this.calls[target] ?? 0) + 1;
    this.requests.push({ target, body });
    await this.beforeAnswer?.(target);
    try {
      const injected = this.injectedErrors[target]?.shift();
      if (injected) throw new ApiError(injected, `injected ${injected}`);
      const out = this.dispatch(target, body);
      this.send(res, 200, out);
    } catch (err) {
      if (err instanceof ApiError) this.send(res, 400, { __type: err.type, message: err.message });
      else this.send(res, 500, { __type: 'InternalFailure', message: String(err) });
    }
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private dispatch(target: string, body: Record<string, any>): unknown {
    switch (target) {
      case 'PollForJobs':
        return { jobs: this.poll(body) };
      case 'AcknowledgeJob':
        return { status: this.acknowledge(body.jobId, body.nonce) };
      case 'GetJobDetails': {
        const job = this.get(body.jobId);
        return { jobDetails: { id: job.id, accountId: '123456789012', data: this.data(job) } };
      }
      case 'PutJobSuccessResult':
        this.close(body.jobId, 'success', body);
        if (body.continuationToken) {
          const job = this.get(body.jobId);
          this.addJob({ ...job.input, continuationToken: body.continuationToken });
        }
        return {};
      case 'PutJobFailureResult':
        this.close(body.jobId, 'failure', body);
        return {};
      default:
        throw new ApiError('UnknownOperationException', `unknown operation ${target}`);
    }
  }

  private requeueExpired(): void {
    const ackTimeout = this.options.ackTimeoutMs ?? 60_000;
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.status === 'Dispatched' && now - job.dispatchedAt! > ackTimeout) {
        job.status = 'Queued';
        job.nonce = undefined;
        this.queue.push(job.id);
      }
    }
  }

  private poll(body: Record<string, any>): unknown[] {
    if (!body.actionTypeId) throw new ApiError('ValidationException', 'actionTypeId is required');
    if (body.actionTypeId.owner !== 'Custom')
      throw new ApiError('ValidationException', 'PollForJobs is only for owner Custom');
    this.requeueExpired();
    const max = body.maxBatchSize ?? 1;
    const out: unknown[] = [];
    for (const id of this.redeliverOnNextPoll.splice(0)) {
      const job = this.get(id);
      out.push({ id: job.id, accountId: '123456789012', nonce: job.nonce, data: this.data(job) });
    }
    for (let i = 0; i < this.queue.length && out.length < max;) {
      const job = this.jobs.get(this.queue[i])!;
      const t = job.input.actionTypeId;
      const a = body.actionTypeId;
      const sameType =
        t.category === a.category &&
        t.owner === a.owner &&
        t.provider === a.provider &&
        t.version === a.version;
      const query = (body.queryParam ?? {}) as Record<string, string>;
      const matches = Object.entries(query).every(([k, v]) => job.input.configuration?.[k] === v);
      if (!sameType || !matches) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      job.status = 'Dispatched';
      job.nonce = randomUUID();
      job.dispatchedAt = Date.now();
      job.dispatches++;
      out.push({ id: job.id, accountId: '123456789012', nonce: job.nonce, data: this.data(job) });
    }
    return out;
  }

  private acknowledge(jobId: string, nonce: string): string {
    const job = this.get(jobId);
    if (job.nonce !== nonce) throw new ApiError('InvalidNonceException', `nonce does not match job ${jobId}`);
    if (job.status === 'Dispatched') job.status = 'InProgress';
    return job.status;
  }

  private close(jobId: string, kind: 'success' | 'failure', body: Record<string, any>): void {
    const job = this.get(jobId);
    if (job.status !== 'InProgress')
      throw new ApiError('InvalidJobStateException', `job ${jobId} is ${job.status}, not InProgress`);
    job.status = kind === 'success' ? 'Succeeded' : 'Failed';
    job.results.push({ kind, body });
  }

  private get(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiError('JobNotFoundException', `job ${jobId} not found`);
    return job;
  }

  private data(job: FakeJob): Record<string, unknown> {
    const { input } = job;
    return {
      actionTypeId: input.actionTypeId,
      actionConfiguration: { configuration: input.configuration ?? {} },
      pipelineContext: {
        pipelineName: input.pipelineName ?? 'demo',
        stage: { name: 'Test' },
        action: { name: 'Custom', actionExecutionId: `exec-${job.id}` },
        pipelineArn: `arn:aws:codepipeline:us-east-1:123456789012:${input.pipelineName ?? 'demo'}`,
        pipelineExecutionId: 'execution-1',
      },
      inputArtifacts: input.inputArtifacts ?? [],
      outputArtifacts: input.outputArtifacts ?? [],
      artifactCredentials: {
        accessKeyId: `ASIAFAKE${job.id.slice(-8).toUpperCase()}`,
        secretAccessKey: `secret-${job.id}`,
        sessionToken: `session-${job.id}`,
      },
      ...(input.continuationToken ? { continuationToken: input.continuationToken } : {}),
    };
  }
}
