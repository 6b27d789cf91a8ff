/**
 * @module
 * Light and dark themes: the user's choice (kept in localStorage) or the system's preference.
 * The theme is a `data-theme` attribute on `<html>`; all colours are CSS variables. The
 * attribute is set before React re-renders, so charts that read the variables get the new ones.
 */
import { createContext, useContext, useState } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'intersoc.theme';

function apply(t: Theme): Theme {
  document.documentElement.dataset['theme'] = t;
  return t;
}

function initial(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return apply(saved);
  return apply(window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

/** The theme in force, for components that draw with concrete colours. */
export const ThemeContext = createContext<Theme>('light');

/** The theme in force. */
export function useThemeName(): Theme {
  return useContext(ThemeContext);
}

/** The theme and its setter (the shell owns it). */
export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(initial);
  return [
    theme,
    (t) => {
      localStorage.setItem(KEY, t);
      setTheme(apply(t));
    },
  ];
}

/** Reads a CSS variable of the current theme (charts need concrete colours). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
