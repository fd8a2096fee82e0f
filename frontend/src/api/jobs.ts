import { api, call } from './client'
import type { Job, JobId } from './types'

export function fetchJob(id: JobId): Promise<Job> {
  // The schema leaves Job.errors / Job.results free-form; see JobError / JobResult.
  return call(() => api.GET('/api/jobs/{id}/', { params: { path: { id } } })) as unknown as Promise<Job>
}

export function isJobFinished(job: Job): boolean {
  return job.status === 'done' || job.status === 'failed'
}
