// Builds the workbench into dist/workbench (run by `npm run build`). Relative asset paths
// (base './') and hash routing: the gateway serves the same files at any address.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [vue()],
  logLevel: 'warn',
  build: {
    outDir: here('../../../dist/workbench'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // no inline scripts, so the page's CSP can forbid them
    modulePreload: { polyfill: false },
  },
});
