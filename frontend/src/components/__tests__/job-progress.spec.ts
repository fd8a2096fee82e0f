import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import * as Icons from '@element-plus/icons-vue'
import { i18n, setLocale } from '@/locales'
import type { Job } from '@/api/types'
import JobProgress from '../JobProgress.vue'

function finishedJob(): Job {
  // The shape GET /api/jobs/{id}/ answers once a bulk provisioning job is over.
  return {
    id: 7,
    kind: 'provision_units',
    status: 'failed',
    total: 3,
    done: 3,
    errors: [{ row: 4, field: 'code', detail: '单位代码“fex”已被“某单位”使用。' }],
    results: [
      { row: 2, code: 'fea', status: 'created', admin_username: 'admin', admin_password: 'Gen3rated#pw' },
      { row: 3, code: 'feb', status: 'existing', admin_username: 'admin', admin_password: null },
      { row: 4, code: 'fex', status: 'failed', detail: '单位代码“fex”已被“某单位”使用。' },
    ],
    created_at: '2026-11-24T20:00:00+08:00',
    finished_at: '2026-11-24T20:00:05+08:00',
  }
}

describe('JobProgress', () => {
  beforeEach(() => setLocale('zh-CN'))
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('lists created units with the generated password, and the failed rows', async () => {
    const job = finishedJob()
    const wrapper = mount(JobProgress, {
      attachTo: document.body,
      props: { jobId: job.id, initial: job },
      global: { plugins: [i18n, ElementPlus], components: Icons },
    })
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    const text = wrapper.text()
    // One row failed while others were provisioned: 部分完成, not 失败.
    expect(text).toContain('部分完成')
    expect(text).toContain('新开通 1 个单位，1 个已存在')
    expect(wrapper.find('[data-testid="job-password-fea"]').text()).toBe('Gen3rated#pw')
    expect(wrapper.find('[data-testid="job-password-feb"]').exists()).toBe(false)
    expect(text).toContain('系统生成的初始密码只显示这一次')
    expect(wrapper.find('[data-testid="row-errors"]').text()).toContain('已被“某单位”使用')
    expect(wrapper.emitted('finished')).toHaveLength(1)
  })

  it('offers 继续执行 for a job whose worker died, and follows the resumed job', async () => {
    const interrupted: Job = {
      ...finishedJob(),
      status: 'failed',
      interrupted: true,
      done: 1,
      errors: [{ row: null, field: null, detail: '处理进程意外中断（已处理 1/3），可继续执行。' }],
      results: [{ row: 2, code: 'fea', status: 'created', admin_username: 'admin', admin_password: null }],
    }
    const calls: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init)
      const path = new URL(request.url, 'http://localhost').pathname
      if (path === '/api/auth/csrf/') return new Response(null, { status: 204 })
      calls.push(`${request.method} ${path}`)
      const posted = request.method === 'POST'
      const body = posted
        ? { ...interrupted, status: 'pending', interrupted: false, errors: [] }
        : { ...interrupted, status: 'done', interrupted: false, errors: [], done: 3 }
      return new Response(JSON.stringify(body), {
        status: posted ? 202 : 200,
        headers: { 'Content-Type': 'application/json' },
      })
    }) as typeof fetch
    try {
      const wrapper = mount(JobProgress, {
        attachTo: document.body,
        props: { jobId: interrupted.id, initial: interrupted, interval: 10 },
        global: { plugins: [i18n, ElementPlus], components: Icons },
      })
      await flushPromises()
      expect(wrapper.text()).toContain('已中断')
      expect(wrapper.find('[data-testid="job-interrupted"]').text()).toContain('已处理 1 / 3 行')
      // The interruption is told once, in its alert, not as a failed row.
      expect(wrapper.find('[data-testid="row-errors"]').exists()).toBe(false)
      await wrapper.find('[data-testid="job-resume"]').trigger('click')
      await flushPromises()
      await new Promise((r) => setTimeout(r, 60))
      await flushPromises()
      expect(calls[0]).toBe('POST /api/jobs/7/resume/')
      expect(calls).toContain('GET /api/jobs/7/')
      expect(wrapper.find('[data-testid="job-interrupted"]').exists()).toBe(false)
      expect(wrapper.text()).toContain('已完成')
    } finally {
      globalThis.fetch = realFetch
    }
  })
})
