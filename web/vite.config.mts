import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console's build. No @vitejs/plugin-react: Vite 8 transforms TSX itself (Oxc), and the
 * automatic JSX runtime is all React 19 needs (no Fast Refresh, which only `vite dev` would use).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Cloudscape's modules start with 'use client' (for React Server Components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
