/**
 * The page's look as CSS text (a TS module, so every host and bundler can inject it without a CSS
 * loader): a calm article column (~760 px prose, wider figures), the system font stack, generous
 * spacing, dark on light, visible focus outlines, and the components' own styles.
 * Insert with `injectStyles(document)`; the page should also load @observablehq/inputs/dist/index.css.
 */

export const CSS = /* css */ `
:root {
  --zf-ink: #1b1b1f;
  --zf-muted: #5b5b66;
  --zf-faint: #e6e6ea;
  --zf-paper: #ffffff;
  --zf-wash: #f6f6f8;
  --zf-accent: #0072B2;
  --zf-accent-ink: #005585;
  --zf-warn: #D55E00;
  /* the warning colour as text: #D55E00 on white is 3.9:1, this is 6.3:1 (WCAG AA needs 4.5:1) */
  --zf-warn-ink: #a4400a;
  --zf-prose: 760px;
  --zf-wide: 1040px;
  --zf-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --zf-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
html { -webkit-text-size-adjust: 100%; }
body.zf-page, .zf-article {
  margin: 0; color: var(--zf-ink); background: var(--zf-paper);
  font: 17px/1.6 var(--zf-font);
}
.zf-article { padding: 2rem 1.25rem 4rem; }
.zf-article > * { max-width: var(--zf-prose); margin-left: auto; margin-right: auto; }
.zf-article > figure, .zf-article > .zf-wide { max-width: var(--zf-wide); }
.zf-article h1 { font-size: 2.1rem; line-height: 1.2; letter-spacing: -0.01em; margin: 0.5rem auto 1rem; }
.zf-article h2 { font-size: 1.45rem; line-height: 1.3; margin: 2.75rem auto 0.75rem; }
.zf-article h3 { font-size: 1.15rem; margin: 2rem auto 0.5rem; }
.zf-article p, .zf-article li { margin-top: 0; margin-bottom: 1rem; }
.zf-article a { color: var(--zf-accent-ink); text-underline-offset: 2px; }
.zf-article code { font: 0.9em var(--zf-mono); background: var(--zf-wash); padding: 0.1em 0.3em; border-radius: 4px; }
@media (max-width: 480px) {
  body.zf-page, .zf-article { font-size: 16px; }
  .zf-article { padding: 1.25rem 0.9rem 3rem; }
  .zf-article h1 { font-size: 1.7rem; }
}

/* focus: always visible for keyboard users */
.zf-article :focus-visible, [class^="zf-"] :focus-visible, [class*=" zf-"] :focus-visible, .zf-canvas:focus-visible, .zf-page :focus-visible {
  outline: 3px solid var(--zf-accent); outline-offset: 2px;
}
.zf-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* touch targets of at least 24 × 24 CSS px (WCAG 2.5.8): the inputs' own radio buttons and boxes are 13 px */
.zf-control input[type="radio"], .zf-control input[type="checkbox"] { width: 24px; height: 24px; margin: 0 0.4rem 0 0; flex: none; }
.zf-control form label:has(> input[type="radio"]), .zf-control form label:has(> input[type="checkbox"]) { display: inline-flex; align-items: center; min-height: 32px; margin-right: 0.9rem; }
.zf-control input[type="range"] { min-height: 24px; }
.zf-control input[type="number"], .zf-control input[type="text"] { min-height: 32px; font-size: 1rem; box-sizing: border-box; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important; transition-duration: 0.01ms !important; scroll-behavior: auto !important; }
}
/* page tools */
button.zf-copy-link { font: 600 0.9rem/1.2 var(--zf-font); color: var(--zf-accent-ink); background: var(--zf-paper); border: 1px solid var(--zf-accent-ink); border-radius: 8px; padding: 0.35rem 0.6rem; min-height: 32px; cursor: pointer; }
button.zf-reset { font: 600 0.9rem/1.2 var(--zf-font); color: var(--zf-accent-ink); background: var(--zf-paper); border: 1px solid var(--zf-accent-ink); border-radius: 8px; padding: 0.35rem 0.6rem; min-height: 32px; cursor: pointer; }
.zf-statusbar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 10; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center; justify-content: center;
  padding: 0.45rem 1rem; background: var(--zf-ink); color: #fff; font: 600 0.9rem/1.3 var(--zf-font); box-shadow: 0 -2px 8px rgba(0,0,0,.15); }
.zf-statusbar[hidden] { display: none; }
.zf-statusbar a { color: #fff; text-decoration: underline; padding: 0.2rem 0; }
.zf-statusbar[data-state="error"], .zf-statusbar[data-state="done"] { background: var(--zf-accent-ink); }

/* buttons */
:where(.zf-drawing, .zf-training, .zf-model-file, .zf-transfer, .zf-session, .zf-capacity-explorer, .zf-run-history) button {
  font: 600 0.95rem/1 var(--zf-font); color: var(--zf-ink); background: var(--zf-paper);
  border: 1px solid #b9b9c3; border-radius: 8px; padding: 0.55rem 0.85rem; min-height: 40px; cursor: pointer;
}
:where(.zf-drawing, .zf-training, .zf-model-file, .zf-transfer, .zf-session, .zf-capacity-explorer, .zf-run-history) button:hover { border-color: var(--zf-ink); }
:where(.zf-model-file, .zf-transfer, .zf-capacity-explorer, .zf-run-history) button:disabled { opacity: 0.55; cursor: progress; }
.zf-model-file .zf-buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0 1rem; }

.zf-transfer-table { border-collapse: collapse; margin: 0.75rem 0; font-variant-numeric: tabular-nums; }
.zf-transfer-table th, .zf-transfer-table td { padding: 0.3rem 0.9rem 0.3rem 0; text-align: left; border-bottom: 1px solid #e3e3ea; }
.zf-transfer-table caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.zf-drawing button[aria-pressed="true"] { background: var(--zf-ink); color: #fff; border-color: var(--zf-ink); }
.zf-drawing button.zf-live[aria-pressed="false"], .zf-training button.zf-restart { background: var(--zf-accent); color: #fff; border-color: var(--zf-accent); }
.zf-drawing button.zf-live[aria-pressed="true"] { background: var(--zf-paper); color: var(--zf-warn-ink); border-color: var(--zf-warn-ink); }
.zf-training button.zf-stop { color: var(--zf-warn-ink); border-color: var(--zf-warn-ink); }

/* parameter controls */
.zf-control { margin-top: 0; margin-bottom: 1.1rem; }
.zf-control form { --label-width: 13rem; --input-width: 16rem; font-family: var(--zf-font); }
.zf-control form label { font-weight: 600; }
.zf-help { margin: 0.15rem 0 0; font-size: 0.85rem; line-height: 1.45; color: var(--zf-muted); }
.zf-note { margin: 0.3rem 0 0; font-size: 0.85rem; color: #a4400a; font-weight: 600; }
@media (max-width: 480px) { .zf-control form { --label-width: 100%; --input-width: 100%; flex-wrap: wrap; } }

/* drawing pad */
.zf-drawing { display: flex; flex-direction: column; gap: 0.75rem; }
.zf-toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.zf-toolbar .zf-live { margin-left: auto; }
@media (max-width: 480px) { .zf-toolbar .zf-live { margin-left: 0; } }
.zf-stage { position: relative; display: flex; flex-wrap: wrap; align-items: flex-start; gap: 1rem 1.5rem; }
.zf-pen-cursor { position: absolute; box-sizing: border-box; border: 2px solid var(--zf-accent); border-radius: 2px; pointer-events: none; }
.zf-pen-cursor[data-down="true"] { background: rgba(0,114,178,0.35); border-color: var(--zf-accent-ink); }
.zf-canvas { display: block; border: 1px solid #9a9aa6; border-radius: 4px; background: #fff; touch-action: none; user-select: none; -webkit-user-select: none; }
.zf-samples { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; }
.zf-samples > span { font-size: 0.9rem; color: var(--zf-muted); margin-right: 0.25rem; flex-basis: 100%; }
.zf-samples button.zf-sample { min-width: 40px; padding: 0.5rem 0; font-variant-numeric: tabular-nums; }
.zf-status { margin: 0; min-height: 1.4em; font-size: 0.9rem; color: var(--zf-muted); }
.zf-chipview { margin: 0; display: flex; flex-direction: column; gap: 0.4rem; max-width: 200px; }
.zf-chipview svg { border: 1px solid #9a9aa6; border-radius: 3px; image-rendering: pixelated; }
.zf-chipview figcaption { display: flex; flex-direction: column; font-size: 0.85rem; line-height: 1.35; color: var(--zf-muted); }
.zf-chipview figcaption strong { color: var(--zf-ink); }
.zf-step figcaption { color: var(--zf-muted); }
.zf-step figcaption strong { color: var(--zf-ink); }
.zf-pad-options select { min-height: 32px; max-width: 100%; }
/* the presets side by side: on a phone the table scrolls in its own box, never the page */
.zf-preset-comparison { display: block; max-width: 100%; overflow-x: auto; }

/* predictions */
.zf-predictions h3 { margin: 0 0 0.4rem; font-size: 1rem; }
.zf-predictions .zf-model-line { margin: 0 0 0.4rem; font-size: 0.85rem; line-height: 1.4; color: var(--zf-muted); max-width: 22rem; }
.zf-predictions .zf-model-line.zf-provisional { color: var(--zf-warn-ink); font-weight: 600; }
.zf-predictions .zf-empty { margin: 0.5rem 0; font-size: 1.05rem; color: var(--zf-ink); max-width: 16rem; }
.zf-predictions .zf-score-note { margin: 0.5rem 0 0; font-size: 0.8rem; line-height: 1.4; color: var(--zf-muted); max-width: 22rem; }
.zf-predictions-list { list-style: none; margin: 0; padding: 0; }
.zf-predictions-list li { display: flex; align-items: baseline; gap: 0.4rem; margin: 0 0 0.15rem; color: var(--zf-muted); font-variant-numeric: tabular-nums; }
.zf-predictions-list .zf-digit { font-size: 1.25rem; font-weight: 700; color: var(--zf-ink); min-width: 1ch; }
.zf-predictions-list .zf-score { font-size: 0.9rem; }
.zf-predictions-list li.zf-top .zf-digit { font-size: 2.6rem; line-height: 1.1; color: var(--zf-accent-ink); }
.zf-spread { margin-top: 0.8rem; max-width: 320px; }
.zf-spread-label { margin: 0 0 0.25rem; font-size: 0.85rem; color: var(--zf-muted); }
.zf-spread-bar { display: flex; height: 24px; border-radius: 6px; overflow: hidden; background: var(--zf-wash); }
.zf-spread-bar > span { display: flex; align-items: center; justify-content: center; font: 700 0.8rem var(--zf-font); color: #fff; text-shadow: 0 0 2px rgba(0,0,0,.6); }

/* training status */
.zf-training { display: grid; grid-template-columns: 1fr auto; gap: 0.35rem 1rem; align-items: center; padding: 0.9rem 1rem; border: 1px solid var(--zf-faint); border-radius: 10px; background: var(--zf-wash); max-width: var(--zf-prose); }
.zf-training .zf-status-line { display: flex; justify-content: space-between; gap: 1rem; grid-column: 1; }
.zf-training progress { grid-column: 1; width: 100%; height: 10px; appearance: none; -webkit-appearance: none; border: 0; border-radius: 5px; background: var(--zf-faint); overflow: hidden; }
.zf-training progress::-webkit-progress-bar { background: var(--zf-faint); border-radius: 5px; }
.zf-training progress::-webkit-progress-value { background: var(--zf-accent); border-radius: 5px; }
.zf-training progress::-moz-progress-bar { background: var(--zf-accent); border-radius: 5px; }
.zf-training[data-state="done"] progress::-webkit-progress-value { background: #009E73; }
.zf-training[data-verdict="not-learning"] progress::-webkit-progress-value { background: var(--zf-warn-ink); }
.zf-training[data-state="error"] progress::-webkit-progress-value, .zf-training[data-state="cancelled"] progress::-webkit-progress-value { background: #9a9aa6; }
.zf-training .zf-facts { grid-column: 1; margin: 0; font-size: 0.88rem; color: var(--zf-muted); font-variant-numeric: tabular-nums; }
.zf-training .zf-not-learning { font-weight: 600; }
.zf-training .zf-error { grid-column: 1 / -1; margin: 0.25rem 0 0; color: #a4400a; font-weight: 600; }
.zf-training button { grid-column: 2; grid-row: 1 / span 3; }
@media (max-width: 480px) { .zf-training { grid-template-columns: 1fr; } .zf-training button { grid-column: 1; grid-row: auto; justify-self: start; } }

/* plots */
.zf-plot { margin-top: 1.5rem; margin-bottom: 1.5rem; }
.zf-plot-title { font-weight: 700; font-size: 0.98rem; margin: 0 0 0.35rem; }
.zf-plot svg.zf-plot-svg { display: block; max-width: 100%; height: auto; overflow: visible; font: 12px var(--zf-font); }
.zf-plot .zf-axis text, .zf-plot .zf-tick { font: 12px var(--zf-font); fill: var(--zf-muted); }
.zf-plot .zf-axis .domain, .zf-plot .zf-axis line { stroke: #9a9aa6; }
.zf-plot .zf-grid line { stroke: var(--zf-faint); }
.zf-plot .zf-axis-title { font: 600 12px var(--zf-font); fill: var(--zf-ink); }
.zf-plot .zf-layer-label text { font: 12px var(--zf-font); fill: var(--zf-ink); }
.zf-plot .zf-layer-label text.zf-muted { fill: var(--zf-muted); }
.zf-plot .zf-layer-size { font: 700 13px var(--zf-font); fill: var(--zf-ink); }
.zf-plot .zf-muted { fill: var(--zf-muted); }
.zf-plot .zf-cell:focus-visible rect, .zf-plot .zf-cell:hover rect { stroke: var(--zf-ink); stroke-opacity: 1; stroke-width: 2; }
.zf-plot .zf-cell:focus { outline: none; }
.zf-plot-note { margin: 0.4rem 0 0; font-size: 0.85rem; color: var(--zf-muted); }
.zf-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1.1rem; list-style: none; margin: 0.4rem 0 0; padding: 0; font-size: 0.85rem; color: var(--zf-ink); }
.zf-legend li { display: flex; align-items: center; gap: 0.4rem; margin: 0; }
.zf-swatch { display: inline-block; width: 22px; height: 0; }
.zf-spread-plots { margin-top: 1.5rem; margin-bottom: 1.5rem; }
.zf-spread-plots .zf-panels { display: flex; flex-wrap: wrap; gap: 0 24px; }
.zf-spread-plots .zf-plot { margin: 0.5rem 0; }

/* confusion matrix: one table */
.zf-confusion-table { border-collapse: separate; border-spacing: 1px; font: 0.85rem var(--zf-font); font-variant-numeric: tabular-nums; }
.zf-confusion-table th { font-weight: 600; color: var(--zf-muted); padding: 0.2rem 0.3rem; text-align: center; }
.zf-confusion-table th.zf-corner { font-size: 0.75rem; font-weight: 400; text-align: left; max-width: 7rem; line-height: 1.2; }
.zf-confusion-table td { text-align: center; padding: 0; border-radius: 2px; min-width: 28px; }
.zf-confusion-table td.zf-diagonal { outline: 1px solid rgba(27,27,31,.25); outline-offset: -1px; }
.zf-confusion-table td[data-action] { cursor: pointer; }
.zf-confusion-table td:focus { outline: 3px solid var(--zf-ink); outline-offset: -2px; }
.zf-confusion-table td[data-action]:hover { box-shadow: inset 0 0 0 2px var(--zf-ink); }
.zf-table-wrap { overflow-x: auto; max-width: 100%; }
details.zf-data { margin: 0.4rem 0 0; font-size: 0.88rem; }
details.zf-data summary { cursor: pointer; color: var(--zf-accent-ink); min-height: 24px; display: list-item; }
table.zf-data-table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.4rem 0; }
table.zf-data-table th, table.zf-data-table td { padding: 0.2rem 0.6rem; border-bottom: 1px solid var(--zf-faint); text-align: right; }
table.zf-data-table th[scope="row"], table.zf-data-table thead th:first-child { text-align: left; }

/* digit grid */
.zf-digits { margin-top: 1rem; margin-bottom: 1rem; }
.zf-digit-grid { display: grid; gap: 0.5rem; list-style: none; margin: 0; padding: 0; }
.zf-digit-grid li { display: flex; flex-direction: column; align-items: center; gap: 0.15rem; margin: 0; }
.zf-digit-grid svg { display: block; width: 100%; height: auto; box-sizing: border-box; border: 1px solid var(--zf-faint); border-radius: 3px; background: #fff; }
.zf-digit-grid li { min-width: 0; }
.zf-digit-label { font-size: 0.8rem; color: var(--zf-muted); font-variant-numeric: tabular-nums; }
`;

/** The id of the stylesheet's element (the build writes it into index.html; injectStyles adds it elsewhere). */
export const STYLES_ID = 'zf-styles';

/** Add the stylesheet once to a document (idempotent). */
export function injectStyles(doc: Document = document): HTMLStyleElement {
  const existing = doc.getElementById(STYLES_ID);
  if (existing instanceof HTMLStyleElement) return existing;
  const style = doc.createElement('style');
  style.id = STYLES_ID;
  style.textContent = CSS;
  doc.head.append(style);
  return style;
}
