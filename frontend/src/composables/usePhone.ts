import { readonly, ref } from 'vue'

/**
 * Phone-size screens (手机端): below this width the layouts fold their navigation into a drawer
 * and a bottom tab bar, lists become cards and dialogs full-screen sheets. The same number is
 * used by the shared CSS (styles/index.css `@media (max-width: 768px)`).
 */
export const PHONE_MAX_WIDTH = 768
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_WIDTH}px)`

const isPhone = ref(false)
let watching = false

function watchViewport() {
  if (watching || typeof window === 'undefined' || !window.matchMedia) return
  watching = true
  const query = window.matchMedia(PHONE_QUERY)
  isPhone.value = query.matches
  query.addEventListener('change', (event) => {
    isPhone.value = event.matches
  })
}

/** Whether the viewport is phone-size; one media-query listener shared by every caller. */
export function usePhone() {
  watchViewport()
  return readonly(isPhone)
}
