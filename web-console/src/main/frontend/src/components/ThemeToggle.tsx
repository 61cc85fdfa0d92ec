import { useEffect, useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const ORDER: Theme[] = ['system', 'light', 'dark'];

/** Follows the system's colour scheme unless the user picks light or dark; the choice is kept in localStorage. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('gatehouse.theme') as Theme) ?? 'system');
  useEffect(() => {
    if (theme === 'system') {
      delete document.documentElement.dataset.theme;
      localStorage.removeItem('gatehouse.theme');
    } else {
      document.documentElement.dataset.theme = theme;
      localStorage.setItem('gatehouse.theme', theme);
    }
  }, [theme]);
  const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
  return (
    <button type="button" className="ghost" onClick={() => setTheme(next)} title={`Theme: ${theme} (switch to ${next})`}>
      Theme: {theme}
    </button>
  );
}
