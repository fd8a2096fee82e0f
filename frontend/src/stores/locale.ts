import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { currentLocale, elementLocales, setLocale, type AppLocale } from '@/locales'

/** UI language; drives vue-i18n, Element Plus' own texts and Accept-Language. */
export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<AppLocale>(currentLocale())

  function change(next: AppLocale) {
    setLocale(next)
    locale.value = next
  }

  const elementLocale = computed(() => elementLocales[locale.value])

  return { locale, change, elementLocale }
})
