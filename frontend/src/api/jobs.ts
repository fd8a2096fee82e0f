import { api, call } from './client'
import type { Job, JobId } from './types'

export function fetchJob(id: JobId): Promise<Job> {
  // The schema leaves Job.errors / Job.results free-form; see JobError / JobResult.
  return call(() => api.GET('/api/jobs/{id}/', { params: { path: { id } } })) as unknown as Promise<Job>
}

/** 继续执行: queue again a job whose worker died (units already provisioned are skipped). */
export function resumeJob(id: JobId): Promise<Job> {
  return call(() =>
    api.POST('/api/jobs/{id}/resume/', { params: { path: { id } } }),
  ) as unknown as Promise<Job>
}

export function isJobFinished(job: Job): boolean {
  return job.status === 'done' || job.status === 'failed'
}
