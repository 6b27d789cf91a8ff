/**
 * @module
 * The query field with autocomplete (ARIA combobox): field names while typing, frequent values
 * after `field:`, operators between terms. Arrow keys move in the list and Tab accepts; Enter
 * accepts only a suggestion picked with the arrows, else it runs the search even with the list
 * open (typing a whole query and pressing Enter must search). Escape closes the list.
 */
import { useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { FieldInfo } from '../api/types';
import { applySuggestion, complete } from '../lib/query-complete';

/** The query input. */
export function QueryInput(props: {
  value: string;
  onChange: (v: string) => void;
  onSubmit: () => void;
  fields: readonly FieldInfo[];
  label: string;
  placeholder?: string;
}): ReactNode {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [caret, setCaret] = useState(props.value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // Whether the highlight was moved with the arrow keys since the last keystroke.
  const [picked, setPicked] = useState(false);
  const completion = useMemo(() => complete(props.value, caret, props.fields), [props.value, caret, props.fields]);
  const items = open ? completion.items : [];

  const accept = (i: number): void => {
    const s = items[i];
    if (!s) return;
    const next = applySuggestion(props.value, completion, s);
    props.onChange(next.text);
    setCaret(next.caret);
    setActive(0);
    setPicked(false);
    setOpen(s.kind === 'field');
    requestAnimationFrame(() => {
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  return (
    <div className="combo">
      <label htmlFor={`${id}-q`} className="sr-only">
        {props.label}
      </label>
      <input
        id={`${id}-q`}
        ref={input}
        data-search-input
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={items.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={items.length > 0 ? `${id}-o${active}` : undefined}
        spellCheck={false}
        autoComplete="off"
        className="mono"
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => {
          props.onChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
          setActive(0);
          setPicked(false);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (items.length > 0) {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => (a + 1) % items.length);
              setPicked(true);
              return;
            }
            if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => (a - 1 + items.length) % items.length);
              setPicked(true);
              return;
            }
            if (e.key === 'Tab' || (e.key === 'Enter' && picked)) {
              e.preventDefault();
              accept(active);
              return;
            }
            if (e.key === 'Escape') {
              e.preventDefault();
              setOpen(false);
              return;
            }
          }
          if (e.key === 'Enter') {
            e.preventDefault();
            setOpen(false);
            props.onSubmit();
          }
        }}
      />
      <ul id={`${id}-list`} role="listbox" className="combo-list" hidden={items.length === 0} aria-label="Suggestions">
        {items.map((s, i) => (
          <li
            key={`${s.kind}:${s.insert}`}
            id={`${id}-o${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'is-active' : ''}
            onMouseDown={(e) => {
              e.preventDefault();
              accept(i);
            }}
          >
            <span className="mono">{s.label}</span>
            {s.detail && <span className="muted small">{s.detail}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
