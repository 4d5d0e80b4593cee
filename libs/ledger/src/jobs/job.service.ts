import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Forbidden, NotFound } from '@app/domain';
import { READ_STORE, ReadStore } from '@app/read-models';
import type { Caller } from '../command-seam/command-context';

export const JOB_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A background job as `GET /api/v1/jobs/{jobId}` shows it, plus who started it. */
export interface JobRecord {
  jobId: string;
  kind: string;
  status: JobStatus;
  progress: { done: number; total: number };
  startedAt: string;
  finishedAt?: string;
  result?: Record<string, unknown>;
  /** Why a FAILED job failed. */
  error?: string;
  createdBy: { userId: string; role: string };
  /** Last time the running process wrote the record: a RUNNING job not heard of for long died with its process. */
  updatedAt: string;
}

/** The read store's namespace of job records: outside the generations, so they survive a rebuild's swap. */
export const JOBS_NAMESPACE = 'jobs';

/**
 * Job records, kept in the read store's records (`putRecord`/`getRecord`, namespace `jobs`). Each
 * process writes only the jobs it runs.
 */
@Injectable()
export class JobService {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async create(kind: string, creator: Pick<Caller, 'userId' | 'role'>, total: number): Promise<JobRecord> {
    const now = new Date().toISOString();
    const job: JobRecord = {
      jobId: randomUUID(),
      kind,
      status: 'RUNNING',
      progress: { done: 0, total },
      startedAt: now,
      createdBy: { userId: creator.userId, role: creator.role },
      updatedAt: now,
    };
    await this.save(job);
    return job;
  }

  /** Metrics port: told of every job record this process writes (the API's job progress gauges). */
  private readonly saveListeners: Array<(job: JobRecord) => void> = [];

  onSaved(listener: (job: JobRecord) => void): void {
    this.saveListeners.push(listener);
  }

  async save(job: JobRecord): Promise<void> {
    for (const listener of this.saveListeners) listener(job);
    await this.reads.putRecord(JOBS_NAMESPACE, job.jobId, { ...job, updatedAt: new Date().toISOString() } as unknown as Record<
      string,
      unknown
    >);
  }

  async find(jobId: string): Promise<JobRecord | undefined> {
    return (await this.reads.getRecord(JOBS_NAMESPACE, jobId)) as JobRecord | undefined;
  }

  /**
   * The job, for an admin (404 when unknown) or for the user who started it. Anyone else gets a 403,
   * whether the job exists or not, so a job id tells them nothing.
   */
  async get(jobId: string, reader: { userId: string; roles: readonly string[] }): Promise<JobRecord> {
    const found = await this.find(jobId);
    const job = found && typeof found.kind === 'string' ? found : undefined;
    if (reader.roles.includes('admin')) {
      if (!job) throw new NotFound(`job ${jobId} is not known`);
      return job;
    }
    if (!job || job.createdBy.userId !== reader.userId) throw new Forbidden(`jobs are for admins and for the user who started them`);
    return job;
  }

  /** A pointer record under `name` (e.g. the rebuild that runs), kept with the jobs. */
  async pointer(name: string): Promise<string | undefined> {
    const record = await this.reads.getRecord(JOBS_NAMESPACE, `@${name}`);
    return typeof record?.jobId === 'string' ? record.jobId : undefined;
  }

  async setPointer(name: string, jobId: string): Promise<void> {
    await this.reads.putRecord(JOBS_NAMESPACE, `@${name}`, { jobId });
  }
}

/** The job as the API shows it: `{ jobId, kind, status, progress, startedAt, finishedAt?, result? }` (and `error` when it failed). */
export function shownJob(job: JobRecord): Record<string, unknown> {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    startedAt: job.startedAt,
    ...(job.finishedAt !== undefined && { finishedAt: job.finishedAt }),
    ...(job.result !== undefined && { result: job.result }),
    ...(job.error !== undefined && { error: job.error }),
  };
}
