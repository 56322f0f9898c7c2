/** The class page's lab panel: problems of the labs folder, and Reload (issue #18's authoring work fills it in). */
export function mountLabsAdmin(_el: HTMLElement, _auth: () => Record<string, string>): void {
  // Filled in by the authoring work.
}
