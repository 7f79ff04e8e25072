/** What the shell mounts for a route. */
export interface View {
  /** The page content. */
  readonly element: HTMLElement;
  /** Shown in the top bar next to the app name (a title, breadcrumbs). */
  readonly header?: HTMLElement;
  /** Shown at the right of the top bar, before the global controls. */
  readonly actions?: HTMLElement;
  /** Stops timers, sockets and listeners. */
  destroy(): void;
}
