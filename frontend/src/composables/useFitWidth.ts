import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

/**
 * A fixed-width page (the A4 公文 sheet, 210 mm) shown whole on a narrow screen: the CSS `zoom`
 * that makes `naturalWidth` px fit the container's width (1 when it fits already). Follows the
 * container's size.
 */
export function useFitWidth(container: Ref<HTMLElement | null>, naturalWidth: number) {
  const zoom = ref(1)
  let observer: ResizeObserver | null = null

  function measure() {
    const el = container.value
    if (!el) return
    const style = getComputedStyle(el)
    const inner = el.clientWidth - parseFloat(style.paddingLeft || '0') - parseFloat(style.paddingRight || '0')
    zoom.value = inner > 0 && inner < naturalWidth ? Math.floor((inner / naturalWidth) * 1000) / 1000 : 1
  }

  // The container may appear later (a page that renders once its data is in).
  watch(
    container,
    (el) => {
      observer?.disconnect()
      if (!el) return
      measure()
      if (typeof ResizeObserver !== 'undefined') {
        observer = new ResizeObserver(measure)
        observer.observe(el)
      }
    },
    { immediate: true, flush: 'post' },
  )
  onBeforeUnmount(() => observer?.disconnect())
  return zoom
}

/** 210 mm at 96 dpi, plus the sheet's shadow. */
export const A4_WIDTH_PX = Math.ceil((210 / 25.4) * 96) + 4
