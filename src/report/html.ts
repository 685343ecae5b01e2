/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A plain HTML table; cells are escaped text. */
export function htmlTable(headers: string[], rows: (string | number)[][], className = 'table'): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Fixed decimals, or an en dash for a missing value. */
export function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export function percent(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${(100 * value).toFixed(digits)} %`;
}

/** The stylesheet of nes's pages (the run report, the comparison). */
export const PAGE_STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 14px; } h4 { font-size: 12px; margin: 0 0 6px; font-weight: normal; }
.meta { color: #555; font-size: 13px; } .note { color: #3d4754; background: #f2f5f9; border-left: 3px solid #9aa9bb; padding: 6px 10px; font-size: 13px; }
.warn { color: #7a5a00; background: #fff7e0; border-left: 3px solid #e0b000; padding: 6px 10px; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0 16px; } th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; } figure { margin: 8px 0; display: inline-block; vertical-align: top; }
figcaption { font-size: 12px; color: #555; max-width: 760px; } .row { display: flex; flex-wrap: wrap; gap: 24px; }
.members { display: flex; flex-wrap: wrap; gap: 16px; } .member { border: 1px solid #e2e2e2; border-radius: 6px; padding: 10px; }
.member table.metrics { margin: 0 0 6px; } .graphs { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
details summary { cursor: pointer; font-size: 13px; color: #444; }
`;
