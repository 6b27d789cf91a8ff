/**
 * @module
 * Entry point of the INTERSOC dashboard.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { RouterProvider } from './app/router';
import { SessionProvider } from './app/session';
import './styles/app.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <RouterProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </RouterProvider>
    </StrictMode>,
  );
}
