/**
 * The learner's display settings, kept in localStorage: font size, theme, xterm.js's screen-reader
 * mode, the lab pane's width, and "fit tables to the terminal" per workspace.
 */

export type Theme = 'dark' | 'light';

export interface Settings {
  fontSize: number;
  theme: Theme;
  screenReader: boolean;
  /** The lab pane's share of a wide window, in percent. */
  split: number;
}

export const FONT_SIZES = [10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24];
export const SPLIT = { min: 20, max: 70, step: 2 };

const KEY = 'stacklab-settings';
const DEFAULTS: Settings = { fontSize: 14, theme: 'dark', screenReader: false, split: 38 };

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be disabled; settings then last for the page only.
    return null;
  }
}

/** The saved settings; anything missing or not valid is the default. */
export function loadSettings(): Settings {
  let saved: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(storage()?.getItem(KEY) ?? '{}');
    if (typeof v === 'object' && v !== null) saved = v as Record<string, unknown>;
  } catch {
    // A damaged entry: the defaults.
  }
  const fontSize = saved['fontSize'];
  const split = saved['split'];
  return {
    fontSize: typeof fontSize === 'number' && FONT_SIZES.includes(fontSize) ? fontSize : DEFAULTS.fontSize,
    theme: saved['theme'] === 'light' ? 'light' : 'dark',
    screenReader: saved['screenReader'] === true,
    split: typeof split === 'number' && split >= SPLIT.min && split <= SPLIT.max ? split : DEFAULTS.split,
  };
}

export function saveSettings(change: Partial<Settings>): Settings {
  const next = { ...loadSettings(), ...change };
  storage()?.setItem(KEY, JSON.stringify(next));
  return next;
}

/** "Fit tables to the terminal" as the learner last set it in this workspace, else `byDefault`. */
export function fitWidthFor(workspace: string, byDefault: boolean): boolean {
  const v = storage()?.getItem(`stacklab-fit:${workspace}`);
  return v === null || v === undefined ? byDefault : v === '1';
}

export function saveFitWidth(workspace: string, on: boolean): void {
  storage()?.setItem(`stacklab-fit:${workspace}`, on ? '1' : '0');
}

/** The page's colours follow the theme (CSS variables under html[data-theme]). */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

/** xterm.js colours for each theme; the light one darkens the ANSI colours so they read on white. */
export const TERMINAL_THEMES = {
  dark: { background: '#000000', foreground: '#e6edf3', cursor: '#e6edf3', selectionBackground: '#3a5068' },
  light: {
    background: '#ffffff',
    foreground: '#1f2328',
    cursor: '#1f2328',
    selectionBackground: '#b6d6fd',
    black: '#1f2328',
    red: '#b3261e',
    green: '#116329',
    yellow: '#7d4e00',
    blue: '#0550ae',
    magenta: '#8250df',
    cyan: '#1b7c83',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#1a7f37',
    brightYellow: '#633c01',
    brightBlue: '#0969da',
    brightMagenta: '#6639ba',
    brightCyan: '#3192aa',
    brightWhite: '#8c959f',
  },
} as const;
