import { html, nothing, svg, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Strings } from './i18n';

// The console's charts, drawn as SVG and HTML by Lit itself: a column chart
// for series and a bar table for categories. Why not a charting library:
// these two shapes are all the overview needs, they come to a few hundred
// bytes here, and a canvas library (uPlot, ~50 KB) would still need the
// tables beside it for screen readers that this markup already is.

export interface Column {
  label: string;
  value: number;
}

const WIDTH = 600;
const HEIGHT = 140;

/**
 * Columns over time (or over histogram buckets): an SVG picture for the eye,
 * with its numbers in a table a reader can open (and a screen reader reads).
 */
export function columnChart(
  columns: Column[],
  caption: string,
  t: Strings,
  valueHeading = t.count,
  labelHeading = t.time,
): TemplateResult {
  const max = Math.max(1, ...columns.map((c) => c.value));
  const step = WIDTH / Math.max(1, columns.length);
  const gap = Math.min(2, step * 0.2);
  const total = columns.reduce((n, c) => n + c.value, 0);
  return html`<figure class="chart">
    <div class="chart-frame">
      <span class="chart-max" aria-hidden="true">${max}</span>
      <svg
        viewBox="0 0 ${WIDTH} ${HEIGHT}"
        preserveAspectRatio="none"
        role="img"
        aria-label="${caption}: ${total}"
      >
        <line class="axis" x1="0" y1=${HEIGHT - 0.5} x2=${WIDTH} y2=${HEIGHT - 0.5}></line>
        ${columns.map((c, i) => {
          const h = (c.value / max) * (HEIGHT - 4);
          return svg`<rect class="col" x=${i * step + gap / 2} y=${HEIGHT - h} width=${Math.max(
            0.5,
            step - gap,
          )} height=${h}><title>${c.label}: ${c.value}</title></rect>`;
        })}
      </svg>
    </div>
    <div class="chart-ends" aria-hidden="true">
      <span>${columns[0]?.label ?? ''}</span><span>${columns.at(-1)?.label ?? ''}</span>
    </div>
    <details>
      <summary>${t.showTable}</summary>
      <table>
        <caption class="visually-hidden">
          ${caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">${labelHeading}</th>
            <th scope="col">${valueHeading}</th>
          </tr>
        </thead>
        <tbody>
          ${columns.map(
            (c) =>
              html`<tr>
                <th scope="row">${c.label}</th>
                <td class="num">${c.value}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}

/**
 * Categories as a table whose last column is a bar: the table is the chart,
 * so a screen reader and the eye read the same thing. `tone` colours a row.
 */
export function barTable(
  rows: { label: string; value: number; tone?: 'good' | 'warn' | 'bad' }[],
  caption: string,
  t: Strings,
  empty?: string,
): TemplateResult {
  if (rows.length === 0 && empty) return html`<p class="muted">${empty}</p>`;
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<table class="bars">
    <caption class="visually-hidden">
      ${caption}
    </caption>
    <thead class="visually-hidden">
      <tr>
        <th scope="col">${caption}</th>
        <th scope="col">${t.count}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr class=${r.tone ?? nothing}>
            <th scope="row">${r.label}</th>
            <td>
              <span class="bar-value">${r.value}</span>
              <span class="bar" style=${styleMap({ width: `${(r.value / max) * 100}%` })}></span>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
