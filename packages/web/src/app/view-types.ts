/**
 * @module
 * What every view receives. Kept apart from the view registry so views never import the
 * registry that loads them.
 */

/** Props of a view. */
export interface ViewProps {
  /** Path segments after the view's prefix (`/alerts/abc` → `['abc']`). */
  readonly params: readonly string[];
}
