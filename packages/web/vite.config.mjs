// Vite build of the dashboard: a static bundle in dist/ that the node serves on its API port.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // ECharts and Cytoscape are large; the views that use them are loaded on demand, so each
    // library lands in its own chunk and the first page stays small.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev -w @intersoc/web` against a node on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
