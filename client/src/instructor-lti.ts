/** The class page's LTI panel: registered platforms and the values to give an LMS (issue #18's LTI work fills it in). */
export function mountLtiAdmin(_el: HTMLElement, _auth: () => Record<string, string>): void {
  // Filled in by the LTI work.
}
