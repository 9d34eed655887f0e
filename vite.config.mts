import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: served from a custom protocol / file (Electron) and from the `sftp-doctor ui`
// HTTP host, so every URL is relative (base './') and nothing is loaded from elsewhere.
// The production build must run under a strict CSP (script-src 'self'): no inline scripts,
// no eval, styles in CSS files.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep small assets as files too: data: URLs would need a looser CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
