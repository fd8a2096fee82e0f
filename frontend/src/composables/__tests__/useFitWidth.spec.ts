import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { A4_WIDTH_PX, useFitWidth } from '../useFitWidth'

describe('useFitWidth', () => {
  it('zooms an A4 page down to a narrow container and leaves a wide one at 1', async () => {
    let zoom = ref(0)
    const width = ref(370)
    const Host = defineComponent({
      setup() {
        const box = ref<HTMLElement | null>(null)
        zoom = useFitWidth(box, A4_WIDTH_PX)
        return () => h('div', { ref: box })
      },
    })
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width.value })
    const wrapper = mount(Host)
    await nextTick()
    expect(zoom.value).toBeGreaterThan(0.4)
    expect(zoom.value).toBeLessThan(0.5)
    expect(zoom.value * A4_WIDTH_PX).toBeLessThanOrEqual(370)
    wrapper.unmount()

    width.value = 1200
    const wide = mount(Host)
    await nextTick()
    expect(zoom.value).toBe(1)
    wide.unmount()
  })
})
