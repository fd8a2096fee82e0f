import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import * as Icons from '@element-plus/icons-vue'
import { h } from 'vue'
import { i18n, setLocale } from '@/locales'

/** Pretend the viewport is (or is not) phone-size before the shared media query is read. */
async function atWidth(phone: boolean) {
  vi.resetModules()
  window.matchMedia = ((query: string) => ({
    matches: phone && query.includes('max-width'),
    media: query,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  })) as unknown as typeof window.matchMedia
  const CardList = (await import('../CardList.vue')).default
  const FilterPanel = (await import('../FilterPanel.vue')).default
  return { CardList, FilterPanel }
}

const plugins = { global: { plugins: [ElementPlus, i18n], components: Icons } }

describe('FilterPanel', () => {
  beforeEach(() => setLocale('zh-CN'))

  it('keeps the filters in one row on a desktop, with the caller class', async () => {
    const { FilterPanel } = await atWidth(false)
    const wrapper = mount(FilterPanel, {
      ...plugins,
      attrs: { class: 'filters' },
      slots: { always: () => h('input', { id: 'q' }), default: () => h('select', { id: 'state' }) },
    })
    expect(wrapper.classes()).toContain('filters')
    expect(wrapper.find('#q').exists()).toBe(true)
    expect(wrapper.find('#state').isVisible()).toBe(true)
    expect(wrapper.find('[data-testid="filters-toggle"]').exists()).toBe(false)
  })

  it('folds all but the keyword behind 筛选 on a phone, showing how many are set', async () => {
    const { FilterPanel } = await atWidth(true)
    const wrapper = mount(FilterPanel, {
      ...plugins,
      props: { active: 2, testid: 'docs' },
      attrs: { class: 'filters' },
      slots: { always: () => h('input', { id: 'q' }), default: () => h('select', { id: 'state' }) },
      attachTo: document.body,
    })
    const toggle = wrapper.find('[data-testid="docs-toggle"]')
    expect(toggle.text()).toBe('筛选（2）')
    expect(wrapper.find('#q').isVisible()).toBe(true)
    expect(wrapper.find('[data-testid="docs-body"]').isVisible()).toBe(false)
    await toggle.trigger('click')
    expect(wrapper.find('[data-testid="docs-body"]').isVisible()).toBe(true)
    wrapper.unmount()
  })
})

describe('CardList', () => {
  beforeEach(() => setLocale('zh-CN'))

  it('shows title, 文号, state and deadline per row and opens the row tapped', async () => {
    const { CardList } = await atWidth(true)
    const rows = [
      { id: 1, title: '关于做好防汛工作的通知', number: '厦府办〔2026〕1号', due: '2026-12-09 08:00' },
      { id: 2, title: '关于开展安全检查的通知', number: '', due: '' },
    ]
    const wrapper = mount(CardList, {
      ...plugins,
      props: {
        rows,
        testid: 'cards',
        fields: (row: unknown) => {
          const r = row as (typeof rows)[number]
          return { key: r.id, title: r.title, number: r.number, state: '核稿', deadline: r.due }
        },
      },
    })
    const first = wrapper.find('[data-testid="cards-1"]')
    expect(first.text()).toContain('关于做好防汛工作的通知')
    expect(first.text()).toContain('厦府办〔2026〕1号')
    expect(first.text()).toContain('核稿')
    expect(first.text()).toContain('期限 2026-12-09 08:00')
    expect(wrapper.find('[data-testid="cards-2"]').text()).not.toContain('期限')
    await wrapper.find('[data-testid="cards-2"]').trigger('click')
    expect(wrapper.emitted('open')).toEqual([[rows[1]]])
  })

  it('says so when there is nothing', async () => {
    const { CardList } = await atWidth(true)
    const wrapper = mount(CardList, { ...plugins, props: { rows: [], testid: 'cards', fields: () => ({ key: 0, title: '' }) } })
    expect(wrapper.text()).toContain('暂无数据')
  })
})
