/**
 * @module
 * A virtualised, keyboard-driven table: only the rows in view are in the DOM (100,000 rows
 * scroll smoothly), a grid role with an active row (arrows, j/k, Page Up/Down, Home/End, Enter
 * to open), sortable headers, optional taller expanded rows, and a callback near the end for
 * loading more.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { moveIndex, RowLayout } from '../lib/virtual';

/** One column. */
export interface Column<R> {
  readonly key: string;
  readonly header: ReactNode;
  /** CSS grid track, e.g. `140px` or `minmax(240px, 1fr)`. */
  readonly width: string;
  readonly render: (row: R, index: number) => ReactNode;
  /** Sort key when the header sorts. */
  readonly sort?: string;
  readonly className?: string;
}

/** Props of {@link VirtualTable}. */
export interface VirtualTableProps<R> {
  readonly label: string;
  readonly rows: readonly R[];
  readonly columns: readonly Column<R>[];
  readonly rowKey: (row: R) => string;
  readonly rowHeight?: number;
  readonly active: number;
  readonly onActive: (index: number) => void;
  readonly onOpen?: (row: R, index: number) => void;
  /** Other keys on the active row; return true when handled. */
  readonly onKey?: (e: KeyboardEvent<HTMLDivElement>, row: R, index: number) => boolean;
  readonly sort?: { readonly key: string; readonly dir: 'asc' | 'desc' };
  readonly onSort?: (key: string) => void;
  readonly isSelected?: (row: R) => boolean;
  readonly rowClass?: (row: R) => string;
  /** Height of an expanded row, or undefined when the row is not expanded. */
  readonly expandedHeight?: (row: R) => number | undefined;
  readonly renderExpanded?: (row: R) => ReactNode;
  readonly onNearEnd?: () => void;
  readonly empty?: ReactNode;
}

/** The table. */
export function VirtualTable<R>(p: VirtualTableProps<R>): ReactNode {
  const rowHeight = p.rowHeight ?? 34;
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const frame = useRef(0);

  const layout = useMemo(
    () =>
      new RowLayout(
        p.rows.length,
        rowHeight,
        p.expandedHeight
          ? (i) => {
              const row = p.rows[i];
              const h = row === undefined ? undefined : p.expandedHeight?.(row);
              return h === undefined ? rowHeight : rowHeight + h;
            }
          : undefined,
      ),
    [p.rows, rowHeight, p.expandedHeight],
  );

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const slice = layout.slice(scrollTop, viewport, 8);
  const { onNearEnd } = p;
  useEffect(() => {
    if (onNearEnd && p.rows.length > 0 && slice.end >= p.rows.length - 20) onNearEnd();
  }, [slice.end, p.rows.length, onNearEnd]);

  const reveal = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const next = layout.scrollToReveal(index, el.scrollTop, el.clientHeight);
      if (next !== el.scrollTop) el.scrollTop = next;
    },
    [layout],
  );

  // `t` anywhere on the page (not while typing or in a dialog) jumps to the table, at its cursor.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== 't' || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      const el = document.activeElement;
      if (el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
      // With several tables on a page the first one takes it; one already focused keeps it.
      if (el instanceof HTMLElement && el.classList.contains('vtable-body')) return;
      e.preventDefault();
      scroller.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A table that opens with its cursor further down (the queue on return from a detail) shows it.
  const revealed = useRef(false);
  useEffect(() => {
    if (revealed.current || p.rows.length === 0) return;
    revealed.current = true;
    if (p.active > 0) reveal(p.active);
  }, [p.rows.length, p.active, reveal]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    const next = moveIndex(p.active, e.key, p.rows.length, pageRows);
    if (next !== undefined) {
      e.preventDefault();
      p.onActive(next);
      reveal(next);
      return;
    }
    const row = p.rows[p.active];
    if (row === undefined) return;
    if (e.key === 'Enter' && p.onOpen) {
      e.preventDefault();
      p.onOpen(row, p.active);
      return;
    }
    if (p.onKey?.(e, row, p.active)) e.preventDefault();
  };

  const template = p.columns.map((c) => c.width).join(' ');
  const activeRow = p.rows[p.active];
  return (
    <div
      className="vtable"
      role="grid"
      aria-label={p.label}
      aria-rowcount={p.rows.length + 1}
      aria-colcount={p.columns.length}
    >
      <div className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {p.columns.map((c) => {
          const sorted = p.sort && c.sort === p.sort.key ? p.sort.dir : undefined;
          return (
            <div
              key={c.key}
              role="columnheader"
              className={`vtable-th ${c.className ?? ''}`}
              aria-sort={
                sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : c.sort ? 'none' : undefined
              }
            >
              {c.sort && p.onSort ? (
                <button type="button" className="th-sort" onClick={() => p.onSort?.(c.sort ?? c.key)}>
                  {c.header}
                  <span aria-hidden="true" className="sort-mark">
                    {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                  </span>
                </button>
              ) : (
                c.header
              )}
            </div>
          );
        })}
      </div>
      <div
        ref={scroller}
        className="vtable-body"
        tabIndex={0}
        aria-activedescendant={activeRow === undefined ? undefined : `${id}-r${p.active}`}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop;
          cancelAnimationFrame(frame.current);
          frame.current = requestAnimationFrame(() => setScrollTop(top));
        }}
      >
        {p.rows.length === 0 ? (
          p.empty
        ) : (
          <div style={{ height: slice.total, position: 'relative' }}>
            <div style={{ transform: `translateY(${slice.offset}px)` }}>
              {p.rows.slice(slice.start, slice.end).map((row, k) => {
                const index = slice.start + k;
                const expanded = p.expandedHeight?.(row);
                return (
                  <div key={p.rowKey(row)} className="vtable-rowwrap" style={{ height: layout.height(index) }}>
                    <div
                      id={`${id}-r${index}`}
                      role="row"
                      aria-rowindex={index + 2}
                      aria-selected={p.isSelected ? p.isSelected(row) : undefined}
                      aria-expanded={p.renderExpanded ? expanded !== undefined : undefined}
                      className={`vtable-row ${index === p.active ? 'is-active' : ''} ${p.rowClass?.(row) ?? ''}`}
                      style={{ gridTemplateColumns: template, height: rowHeight }}
                      onClick={() => p.onActive(index)}
                      onDoubleClick={() => p.onOpen?.(row, index)}
                    >
                      {p.columns.map((c) => (
                        <div key={c.key} role="gridcell" className={`vtable-td ${c.className ?? ''}`}>
                          {c.render(row, index)}
                        </div>
                      ))}
                    </div>
                    {expanded !== undefined && p.renderExpanded && (
                      <div className="vtable-expanded" style={{ height: expanded }}>
                        {p.renderExpanded(row)}
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
