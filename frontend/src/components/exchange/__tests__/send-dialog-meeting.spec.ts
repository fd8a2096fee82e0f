import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '@/locales'
import { ApiError } from '@/api/client'
import type { SendableMeeting } from '@/api/types'
import { useSiteStore } from '@/stores/site'

const api = vi.hoisted(() => ({
  listDirectory: vi.fn(),
  listGroups: vi.fn(),
  sendDocument: vi.fn(),
  sendMeetingNotice: vi.fn(),
}))
vi.mock('@/api/exchange', () => api)

import SendDialog from '../SendDialog.vue'

const MEETING: SendableMeeting = {
  id: 7,
  title: '全市安全生产工作部署会',
  meeting_type: '工作部署会',
  start_at: '2026-12-03T09:00:00',
  end_at: '2026-12-03T11:30:00',
  room: '区政府三楼第一会议室',
  attendee_count: 30,
  external_units: '各区政府办公室',
  applicant: '李科员',
  state: 'arranging',
  begun: false,
  started_at: '2026-11-20T10:00:00+08:00',
  sent_to: 0,
}

async function mountDialog() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSiteStore().context = {
    kind: 'unit',
    platform_name: '统一电子公文办公平台',
    unit: { code: 'siming', name: '思明区政府办公室', kind: 'district_office', status: 'active', modules: [] },
  }
  const wrapper = mount(SendDialog, {
    attachTo: document.body,
    props: { modelValue: false, meeting: MEETING },
    global: { plugins: [pinia, i18n, ElementPlus] },
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return wrapper
}

const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement

async function type(id: string, value: string) {
  const field = byTestId(id) as HTMLInputElement
  field.value = value
  field.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('send dialog for a 会议通知', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    api.listDirectory.mockResolvedValue([
      { code: 'siming', name: '思明区政府办公室', kind: 'district_office', network: 'extranet', platform: true, active: true, note: '' },
      { code: 'huli', name: '湖里区政府办公室', kind: 'district_office', network: 'extranet', platform: true, active: true, note: '' },
    ])
    api.listGroups.mockResolvedValue([])
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('shows the meeting and needs the attendance requirements before sending', async () => {
    await mountDialog()
    expect(byTestId('exchange-send-dialog').textContent).toContain('发送会议通知')
    expect(byTestId('exchange-send-meeting').textContent).toContain('全市安全生产工作部署会')
    expect(byTestId('exchange-send-notice').textContent).toContain('各区政府办公室')
    ;(byTestId('exchange-unit-huli').querySelector('input') as HTMLInputElement).click()
    await flushPromises()
    const submit = byTestId('exchange-send-submit') as HTMLButtonElement
    expect(submit.disabled).toBe(true)
    await type('meeting-notice-requirements', '请派一名分管领导参加')
    expect(submit.disabled).toBe(false)
  })

  it('sends the notice fields with the units and shows a refused field under it', async () => {
    api.sendMeetingNotice.mockRejectedValueOnce(
      new ApiError(400, { code: 'invalid', detail: '回执截止时间应早于会议开始时间。', field: 'reply_by' }),
    )
    const wrapper = await mountDialog()
    ;(byTestId('exchange-unit-huli').querySelector('input') as HTMLInputElement).click()
    await type('meeting-notice-requirements', '请派一名分管领导参加')
    await type('meeting-notice-contact', '张科员')
    await type('meeting-notice-phone', '0592-1234567')
    byTestId('exchange-send-submit').click()
    await flushPromises()
    expect(api.sendMeetingNotice).toHaveBeenCalledWith({
      instance: 7,
      recipients: ['huli'],
      groups: [],
      requirements: '请派一名分管领导参加',
      location: '',
      contact: '张科员',
      phone: '0592-1234567',
      reply_by: '',
    })
    expect(api.sendDocument).not.toHaveBeenCalled()
    // el-form-item shows its error after a 100 ms debounce.
    await new Promise((resolve) => setTimeout(resolve, 150))
    await flushPromises()
    const errors = [...byTestId('exchange-send-notice').querySelectorAll('.el-form-item__error')]
    expect(errors.map((e) => e.textContent?.trim())).toEqual(['回执截止时间应早于会议开始时间。'])
    expect(wrapper.emitted('sent')).toBeUndefined()

    api.sendMeetingNotice.mockResolvedValueOnce({ envelope: { id: 3, recipients: ['huli'] }, skipped: [] })
    byTestId('exchange-send-submit').click()
    await flushPromises()
    expect(wrapper.emitted('sent')?.[0]?.[0]).toMatchObject({ envelope: { id: 3 } })
  })
})
