import { fileURLToPath, URL } from 'node:url'
import { existsSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const distDir = fileURLToPath(new URL('./dist', import.meta.url))
const staticDir = resolve(distDir, 'static')

/**
 * Django serves dist/index.html for every non-API path and dist/static/ at /static/.
 * Vite writes index.html next to the assets, so after the build it is moved one level up.
 */
function djangoLayout(): Plugin {
  return {
    name: 'oa-django-layout',
    apply: 'build',
    buildStart() {
      rmSync(distDir, { recursive: true, force: true })
    },
    closeBundle() {
      const built = resolve(staticDir, 'index.html')
      if (existsSync(built)) renameSync(built, resolve(distDir, 'index.html'))
    },
  }
}

export default defineConfig(({ command }) => ({
  base: command === 'build' ? '/static/' : '/',
  plugins: [vue(), djangoLayout()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: staticDir,
    assetsDir: '',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) {
            return 'element-plus'
          }
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      // Keep the browser's Host header (changeOrigin: false) so django-tenants
      // resolves <code>.localhost to the right unit.
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    css: false,
    server: { deps: { inline: ['element-plus'] } },
  },
}))
