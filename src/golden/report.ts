import { describeComparison } from './compare.js';
import { diffImage, figures, sizeMismatch, type Size } from './figures.js';
import type { GoldenVerdict } from './suite.js';
import { describeTolerance } from './tolerance.js';

/** One verified case as the HTML report shows it. */
export interface VerifiedCase {
  readonly verdict: GoldenVerdict;
  readonly seconds: number;
  /** The expectation's PNG bytes; shown for a failing case only, so a passing one may leave it out. */
  readonly expected?: Buffer;
}

/** A case that could not be verified, with the error that stopped it. */
export interface UnrenderedCase {
  readonly name: string;
  readonly error: string;
  readonly seconds: number;
}

export type ReportCase = VerifiedCase | UnrenderedCase;

const isVerified = (c: ReportCase): c is VerifiedCase => 'verdict' in c;
const failing = (c: ReportCase): boolean => !isVerified(c) || !c.verdict.pass;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML element or a quoted attribute; control characters a file name may hold become U+FFFD. */
export function html(text: string): string {
  return text.replace(/[<>&"']/g, (c) => HTML_ENTITIES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD');
}

const png = (bytes: Buffer): string => `data:image/png;base64,${bytes.toString('base64')}`;
const time = (seconds: number): string => `${seconds.toFixed(3)} s`;
const size = ({ width, height }: Size): string => `${width}×${height}`;

/** Levels to four places, as the CLI lines give them; a difference too small for that is not shown as 0. */
function level(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.00005) return value.toExponential(2);
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

/** The figures' cells of a case's row: three numbers, or both sizes when they differ. */
function figureCells(verdict: GoldenVerdict): string {
  const sizes = sizeMismatch(verdict.comparison);
  if (sizes) return `<td colspan="3" class="sizes">actual ${size(sizes.actual)}, expected ${size(sizes.expected)}</td>`;
  const { diffPixels, maxError, meanError } = figures(verdict.comparison);
  return [diffPixels, maxError, meanError].map((value) => `<td class="num">${value === null ? '–' : level(value)}</td>`).join('');
}

function row(reported: ReportCase, index: number): string {
  if (!isVerified(reported)) {
    return `<tr class="fail"><th scope="row"><a href="#case-${index}">${html(reported.name)}</a></th><td>ERROR</td><td colspan="4">could not be verified</td><td class="num">${time(reported.seconds)}</td></tr>`;
  }
  const { verdict, seconds } = reported;
  const name = verdict.pass ? html(verdict.name) : `<a href="#case-${index}">${html(verdict.name)}</a>`;
  const result = verdict.pass ? (verdict.exact ? 'ok (exact)' : 'ok') : 'FAIL';
  return `<tr class="${verdict.pass ? 'pass' : 'fail'}"><th scope="row">${name}</th><td>${result}</td>${figureCells(verdict)}<td>${html(describeTolerance(verdict.tolerance))}</td><td class="num">${time(seconds)}</td></tr>`;
}

const figure = (id: string, src: string, caption: string, alt: string): string =>
  `<figure><img id="${id}" src="${src}" alt="${html(alt)}"><figcaption>${caption}</figcaption></figure>`;

/**
 * A failing case: its figures, the three images side by side, and when the
 * sizes agree a slider over expected and actual. The slider's images take
 * their data from the ones beside it (the script copies it) so that each
 * picture is in the file once.
 */
function failure(reported: ReportCase, index: number): string {
  if (!isVerified(reported)) {
    return `<section class="case" id="case-${index}">\n<h2>${html(reported.name)}</h2>\n<p>Could not be verified: ${html(reported.error)}</p>\n</section>`;
  }
  const { verdict, expected } = reported;
  const id = `case-${index}`;
  const name = html(verdict.name);
  const diff = diffImage(verdict.comparison);
  const images = [
    expected ? figure(`${id}-expected`, png(expected), 'Expected', `expected image of ${verdict.name}`) : '<p>No expectation was given to the report.</p>',
    figure(`${id}-actual`, png(verdict.actual), 'Actual', `actual image of ${verdict.name}`),
    diff ? figure(`${id}-diff`, png(diff), 'Diff (counted pixels in red)', `difference image of ${verdict.name}`) : '',
  ];
  const slider =
    expected && !sizeMismatch(verdict.comparison)
      ? `<figure class="slider">
<div class="stack"><img data-same-as="${id}-expected" alt="expected image of ${name}, under the slider"><img class="over" data-same-as="${id}-actual" alt="actual image of ${name}, shown left of the slider"></div>
<label>Actual left of the line, expected right of it: <input type="range" min="0" max="100" step="1" value="50" aria-label="Position of the line between actual and expected for ${name}, in percent"></label>
</figure>`
      : '';
  return `<section class="case" id="${id}">
<h2>${name}</h2>
<p>${html(describeComparison(verdict.comparison))} (allowed: ${html(describeTolerance(verdict.tolerance))})</p>
<div class="images">${images.join('')}</div>
${slider}
</section>`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{margin:0 0 .3rem}.summary{font-size:1.1rem}.pass{color:#176c2a}.fail{color:#b00020}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}tr.fail th,tr.fail td:nth-child(2){color:#b00020;font-weight:600}
.case{border-top:2px solid #b00020;margin-top:2rem}.images{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0}img{max-width:100%;display:block;background:repeating-conic-gradient(#ccc 0 25%,#fff 0 50%) 0 0/16px 16px}
.slider{display:grid;width:fit-content;max-width:100%;margin-top:1rem;gap:.4rem}
.stack{position:relative;cursor:ew-resize;touch-action:none;user-select:none}
.stack .over{position:absolute;inset:0;width:100%;height:100%}
.stack::after{content:"";position:absolute;top:0;bottom:0;left:var(--at,50%);border-left:2px solid #b00020;pointer-events:none}
.slider label{display:grid;gap:.2rem}.slider input{width:100%;margin:0}`;

/** Copies the slider images' data, then moves the line with the range input, which also takes the arrow keys, Home and End. */
const SCRIPT = `for (const img of document.querySelectorAll('img[data-same-as]')) img.src = document.getElementById(img.dataset.sameAs).src;
for (const slider of document.querySelectorAll('.slider')) {
  const range = slider.querySelector('input');
  const stack = slider.querySelector('.stack');
  const over = slider.querySelector('.over');
  const show = () => {
    over.style.clipPath = 'inset(0 ' + (100 - range.valueAsNumber) + '% 0 0)';
    stack.style.setProperty('--at', range.value + '%');
  };
  const moveTo = (event) => {
    const box = stack.getBoundingClientRect();
    range.value = String(Math.round((100 * (event.clientX - box.left)) / box.width));
    show();
  };
  range.addEventListener('input', show);
  stack.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    stack.setPointerCapture(event.pointerId);
    range.focus();
    moveTo(event);
  });
  stack.addEventListener('pointermove', (event) => {
    if (stack.hasPointerCapture(event.pointerId)) moveTo(event);
  });
  show();
}`;

/**
 * The golden verify report: one self-contained HTML page (inline style,
 * script and data: images, no other URL) with the summary, a row of figures
 * per case, and the images of each failing case.
 */
export function htmlReport(cases: readonly ReportCase[]): string {
  const failed = cases.filter(failing).length;
  const passed = cases.length - failed;
  const total = cases.reduce((sum, c) => sum + c.seconds, 0);
  const counts = `${passed} passed, ${failed} failed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Golden report: ${counts}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Golden report</h1>
<p class="summary"><span class="pass">${passed} passed</span>, <span class="fail">${failed} failed</span>, ${cases.length} cases in ${time(total)}</p>
<table>
<thead><tr><th scope="col">Case</th><th scope="col">Result</th><th scope="col">Diff pixels</th><th scope="col">Max error</th><th scope="col">Mean error</th><th scope="col">Tolerance</th><th scope="col">Time</th></tr></thead>
<tbody>
${cases.map(row).join('\n')}
</tbody>
</table>
${cases.map((c, index) => (failing(c) ? failure(c, index) : '')).join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
