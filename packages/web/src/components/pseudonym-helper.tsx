/**
 * @module
 * A re-identification shortcut that works in every view without each view knowing about it:
 * when the analyst selects text holding a pseudonym (`user-7f3a09bc` in an alert, a search
 * result, an incident), a small bar offers to re-identify it for a case, which opens the privacy
 * view with the pseudonym filled in. Views keep rendering plain values; new views get it too.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { PSEUDONYM } from '../api/privacy';
import { href, Link } from '../app/router';

// Inline: one fixed bar, no rule in the shared style sheet needed.
const BAR = {
  position: 'fixed',
  right: '1rem',
  bottom: '1rem',
  zIndex: 50,
  display: 'flex',
  gap: '0.5rem',
  alignItems: 'center',
} as const;

/** The bar; renders nothing until a pseudonym is selected. */
export function PseudonymHelper(): ReactNode {
  const [pseudonym, setPseudonym] = useState<string | undefined>(undefined);
  useEffect(() => {
    const onChange = (): void => {
      const m = PSEUDONYM.exec(window.getSelection()?.toString() ?? '');
      // Keep the bar while the selection collapses on a click into it.
      if (m) setPseudonym(m[0]);
    };
    document.addEventListener('selectionchange', onChange);
    return () => document.removeEventListener('selectionchange', onChange);
  }, []);
  if (!pseudonym) return null;
  return (
    <div className="card" role="region" aria-label="Pseudonym selected" style={BAR}>
      <span className="mono">{pseudonym}</span>
      <Link className="btn btn-primary" to={href('/privacy', { pseudonym })} onClick={() => setPseudonym(undefined)}>
        Re-identify {pseudonym}
      </Link>
      <button type="button" className="btn btn-ghost" aria-label="Dismiss" onClick={() => setPseudonym(undefined)}>
        ×
      </button>
    </div>
  );
}
