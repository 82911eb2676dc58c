/** The HTML report's building blocks: escaping and the few elements every section uses. */
import { visible } from '../../render.js';

// C0/C1 controls other than tab/LF/CR are parse errors in HTML, and bidi overrides reorder the page:
// `visible` shows each as an escape (`\u001b`). Quotes are escaped too, so the result is safe in attributes.
export function escapeHtml(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const code = (value: string | number): string => `<code>${escapeHtml(String(value))}</code>`;

/** A term/description list; each description is HTML the caller escaped. */
export function facts(rows: readonly (readonly [string, string])[], className = 'facts'): string {
  const items = rows.map(([term, html]) => `<div><dt>${escapeHtml(term)}</dt><dd>${html}</dd></div>`);
  return `<dl class="${className}">\n${items.join('\n')}\n</dl>`;
}

export interface CodeBlockOptions {
  /** A caption above the block. */
  readonly label?: string;
  readonly language?: string;
  /** Adds a button that copies the block's text exactly. */
  readonly copy?: boolean;
}

/**
 * A labelled code block. The copy button copies the `<pre>`'s text content, which is the value itself:
 * nothing else (no line numbers, no markup) goes inside the `<pre>`. `<code>` follows `<pre>` directly
 * so a leading line break of the value survives the parser.
 */
export function codeBlock(content: string | readonly string[], options: CodeBlockOptions = {}): string {
  // Several items (a reproduction's steps) are one text, a line each; each line's span lets the style
  // number and separate them without adding text: the line break stays inside the span.
  const inner =
    typeof content === 'string'
      ? escapeHtml(content)
      : content.map((item, index) => `<span class="item">${escapeHtml(item)}${index < content.length - 1 ? '\n' : ''}</span>`).join('');
  const classes = [options.language ? `language-${escapeHtml(options.language)}` : '', typeof content === 'string' ? '' : 'items']
    .filter(Boolean)
    .join(' ');
  const language = classes ? ` class="${classes}"` : '';
  const label = options.label !== undefined ? `<span class="label">${escapeHtml(options.label)}</span>` : '';
  const copy = options.copy ? '<button type="button" class="copy" data-copy>Copy</button>' : '';
  const head = label || copy ? `<div class="codeblock-head">${label}${copy}</div>\n` : '';
  return `<div class="codeblock">\n${head}<pre><code${language}>${inner}</code></pre>\n</div>`;
}

/** A status pill; the status is one of the model's words, escaped anyway. */
export function badge(status: string, text = status): string {
  return `<span class="badge st-${escapeHtml(status)}">${escapeHtml(text)}</span>`;
}

/** `1 request`, `3 requests`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
