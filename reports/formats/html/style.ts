/**
 * The report's one inline style sheet: system fonts only (nothing fetched), no `url()`. Long lines wrap
 * anywhere (a 600-character URL, a one-line JSON body) so nothing is cut at laptop widths; the tables
 * too wide for a page (the kill matrix; the promises on a narrow screen) scroll sideways inside their own
 * containers, and their heads never wrap inside a word. Print: light, every check and fold open, no controls.
 * A `\` at the end of a line continues the rule on the next: the sheet holds it as one line.
 */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f4f6f8; --panel: #ffffff; --text: #1f2328; --muted: #5b6570; --line: #d5dbe1; --soft: #eef1f4; --code-bg: #f6f8fa;
  --accent: #0b63c5;
  --passed: #1f883d; --warned: #b07d00; --failed: #cf222e; --errored: #8250df; --skipped: #9aa5b1; --blocked: #57606a;
  --expected-row: #e9f7ee; --expected-mark: #a6e3b8; --actual-row: #fdeeee; --actual-mark: #f7b9b5;
  --promise: #0b63c5; --assumption: #b07d00;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1419; --panel: #161c23; --text: #e4e9ee; --muted: #98a2ad; --line: #2e3742; --soft: #1d252e; --code-bg: #11171d;
    --accent: #58a6ff;
    --passed: #3fb950; --warned: #d29922; --failed: #f85149; --errored: #a371f7; --skipped: #6e7781; --blocked: #8b949e;
    --expected-row: #12261a; --expected-mark: #1f6a35; --actual-row: #2d1517; --actual-mark: #8e2b2b;
    --promise: #58a6ff; --assumption: #d29922;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--text); font: 14px/1.55 var(--sans); -webkit-text-size-adjust: 100%; }
.page { max-width: 80rem; margin: 0 auto; padding: 1rem 1.5rem 1.5rem; }
h1, h2, h3, h4 { line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 .6rem; }
h4 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1rem 0 .4rem; }
p { margin: .5rem 0; }
a { color: var(--accent); }
code, pre { font: 12.5px/1.5 var(--mono); }
code { background: var(--soft); padding: .05rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
pre { margin: 0; padding: .45rem .75rem; background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; \
overflow-wrap: anywhere; word-break: normal; }
pre code { background: none; padding: 0; border-radius: 0; }
td, th, dd, p, li, blockquote, cite, summary, .diff-cell { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-style: italic; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.5rem; margin: 0 0 1rem; min-width: 0; }

.masthead { display: flex; gap: 1.5rem; align-items: center; justify-content: space-between; margin: 0 0 1rem; }
.masthead-text { min-width: 0; }
.eyebrow { color: var(--muted); font-size: .8rem; letter-spacing: .04em; text-transform: uppercase; font-weight: 600; }
.masthead h1 { font-size: 1.55rem; margin: .2rem 0 0; overflow-wrap: anywhere; }
.masthead .against { color: var(--muted); font-weight: 400; }
.masthead .target { font-weight: 500; }
.outcome { flex: none; display: flex; flex-direction: column; align-items: center; padding: .55rem 1.2rem; border-radius: 10px; color: #fff; \
background: var(--tone); }
.outcome-word { font-size: 1.2rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; }
.outcome-exit { font-size: .75rem; opacity: .9; }

.st-passed { --tone: var(--passed); } .st-warned { --tone: var(--warned); } .st-failed { --tone: var(--failed); }
.st-errored { --tone: var(--errored); } .st-skipped { --tone: var(--skipped); } .st-blocked { --tone: var(--blocked); }
.st-text-passed { color: var(--passed); } .st-text-warned { color: var(--warned); } .st-text-failed { color: var(--failed); }
.st-text-errored { color: var(--errored); } .st-text-skipped { color: var(--muted); } .st-text-blocked { color: var(--blocked); }
.badge { display: inline-block; min-width: 4.6rem; text-align: center; padding: .05rem .5rem; border-radius: 999px; font-size: .7rem; \
font-weight: 700; letter-spacing: .05em; text-transform: uppercase; color: #fff; background: var(--tone); vertical-align: .1em; }
.tag { display: inline-block; white-space: nowrap; overflow-wrap: normal; padding: 0 .45rem; border-radius: 999px; border: 1px solid var(--line); \
background: var(--soft); font-size: .72rem; font-weight: 600; color: var(--muted); }
.tag-expected { border-color: var(--warned); color: var(--warned); }

.overview { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1.25rem; }
.overview > * { min-width: 0; }
dl.facts { margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .6rem 1.25rem; }
dl.facts > div { min-width: 0; }
dl.facts dt { font-size: .72rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
dl.facts dd { margin: .1rem 0 0; }
dl.run-facts { grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr)); padding-bottom: 1rem; border-bottom: 1px solid var(--line); }
dl.run-facts > div:nth-child(2) { grid-column: span 2; }
.callout { border-left: 4px solid var(--tone, var(--failed)); background: var(--soft); padding: .6rem .9rem; border-radius: 0 6px 6px 0; }
.callout.fix-first { --tone: var(--blocked); }
.summary-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.summary-head h2 { margin: 0; }
.totals-line { margin: 0; font-size: 1rem; }
.totals-line .muted { font-size: .85rem; margin-left: .35rem; }
.overview-panel > .bar { height: .6rem; margin: .4rem 0 .5rem; }
.broken-promises { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; border-left: 4px solid var(--failed); \
background: var(--soft); padding: .45rem .9rem; border-radius: 0 6px 6px 0; margin: .5rem 0 0; }
.broken-promises > * { min-width: 0; }
.broken-promises h3 { margin: 0; font-size: .9rem; white-space: nowrap; }
.broken-promises h3 .count { color: var(--failed); }
.broken-promises ul { flex: 1 1 30rem; margin: 0; padding-left: 1.1rem; }
.broken-promises li + li { margin-top: .35rem; }
.broken-promises q { font-style: italic; overflow-wrap: anywhere; }
.broken-promises cite { font-style: normal; color: var(--muted); font-size: .85rem; }
.broken-by { white-space: nowrap; } .broken-by code { white-space: normal; }
.summary-head .promises-line { margin: 0 0 0 auto; }
.promises-line .verdict-kept strong { color: var(--passed); }
.promises-line .verdict-broken strong { color: var(--failed); }
.promises-line .verdict-untested strong { color: var(--warned); }

.table-wrap { max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.zero { color: var(--muted); opacity: .55; }
table.families td, table.families th { padding: .35rem .45rem; }
table.families th, table.families td:first-child { white-space: nowrap; overflow-wrap: normal; }
table.families .bar-col { width: 34%; min-width: 6rem; }
table.families tr.total td { font-weight: 700; border-bottom: 0; border-top: 2px solid var(--line); }
.bar { display: flex; height: .8rem; border-radius: 999px; overflow: hidden; background: var(--soft); margin-top: .3rem; }
.seg { display: block; min-width: 3px; background: var(--tone); }
.seg + .seg { border-left: 1px solid var(--panel); }
#promises, #kill-matrix, #run { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1rem; }
#promises > *, #kill-matrix > *, #run > * { margin: 0; min-width: 0; }
#kill-matrix > .survivors, details.fold[open] { flex-basis: 100%; }
details.fold > summary { cursor: pointer; color: var(--accent); font-weight: 600; }
details.fold[open] > summary { margin-bottom: .5rem; }
table.promises { min-width: 44rem; table-layout: fixed; }
table.coverage td { vertical-align: top; overflow-wrap: anywhere; }
table.coverage th, table.coverage td.count { white-space: nowrap; overflow-wrap: normal; }
table.coverage tr.coverage-complete td:nth-child(3) { color: var(--passed); }
table.coverage tr.coverage-partial td:nth-child(3) { color: var(--warned); }
table.promises col.promise-says { width: 34%; } table.promises col.promise-source { width: 24%; }
table.promises col.promise-checks { width: 32%; } table.promises col.promise-verdict { width: 7rem; }
table.promises th { white-space: nowrap; overflow-wrap: normal; }
table.promises td { overflow-wrap: break-word; }
table.promises td code { font-size: 11px; overflow-wrap: break-word; }
table.promises tr:last-child > * { border-bottom: 0; }
tr.promise-broken > td { background: var(--actual-row); }
ul.promise-checks { list-style: none; margin: 0; padding: 0; }
ul.promise-checks li + li { margin-top: .15rem; }
details.promise-passed > summary { cursor: pointer; color: var(--muted); }
details.promise-passed[open] > summary { margin-bottom: .2rem; }
.verdict { font-weight: 700; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; white-space: nowrap; overflow-wrap: normal; }
.verdict-kept { color: var(--passed); } .verdict-broken { color: var(--failed); } .verdict-untested { color: var(--warned); }
ul.ids { margin: .25rem 0; padding-left: 1.25rem; }

.filters { display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; align-items: center; padding: .5rem .75rem; background: var(--soft); \
border-radius: 8px; margin-bottom: .5rem; }
html:not(.js) .filters { display: none; }
.filter-group { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: center; gap: .3rem; min-width: 0; }
.filter-group legend { float: left; font-size: .7rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; \
padding: 0; margin: 0 .15rem 0 0; }
.chip { display: inline-flex; align-items: center; gap: .3rem; padding: .05rem .5rem .05rem .35rem; border: 1px solid var(--line); \
border-radius: 999px; background: var(--panel); cursor: pointer; font-size: .8rem; user-select: none; }
.chip input { margin: 0; accent-color: var(--accent); }
.chip-count { color: var(--muted); font-variant-numeric: tabular-nums; }
.chip:has(input:not(:checked)) { opacity: .55; }
.filter-actions { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-left: auto; }
.shown { margin: 0 .5rem 0 0; color: var(--muted); }
button { font: inherit; font-size: .8rem; padding: .2rem .65rem; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); \
color: var(--text); cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible, summary:focus-visible, .chip:focus-within, .scroll:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
@media screen { .is-filtered { display: none !important; } }

.check-group h3 { margin: .85rem 0 .4rem; }
.check-group h3 .count { color: var(--muted); font-weight: 500; }
.group-intro { color: var(--muted); margin-top: -.25rem; }
.check { border: 1px solid var(--line); border-left: 4px solid var(--tone); border-radius: 8px; margin: .5rem 0; background: var(--panel); min-width: 0; }
div.check { padding: .5rem .8rem; }
details.check > summary { padding: .55rem .8rem; cursor: pointer; list-style: none; display: block; }
details.check > summary::-webkit-details-marker { display: none; }
details.check > summary::before { content: "\\25B8"; color: var(--muted); display: inline-block; width: 1rem; margin-left: -.1rem; }
details.check[open] > summary::before { content: "\\25BE"; }
details.check[open] > summary { border-bottom: 1px solid var(--line); }
.check-head { display: inline; }
.check-title { font-weight: 600; }
.check .family { color: var(--muted); font-weight: 500; }
.check .family::after { content: " /"; }
.check-meta { display: inline-block; margin: .1rem 0 0 1rem; font-size: .8rem; }
div.check .check-meta { margin-left: 0; }
.check-meta code { font-size: 11.5px; }
.check-line, .check-preview { margin: .25rem 0 0; color: var(--muted); }
.check-preview { display: block; margin-left: 1rem; }
.check-body { padding: .1rem 1rem .75rem; min-width: 0; }
ul.check-list { list-style: none; margin: 0; padding: 0; columns: 2 28rem; column-gap: 1.75rem; }
li.check-row { display: grid; grid-template-columns: .9rem minmax(0, 1fr) auto; gap: .4rem; align-items: baseline; margin: 0; padding: 1px 0; \
border: 0; border-bottom: 1px solid var(--soft); border-radius: 0; background: none; font-size: .8rem; line-height: 1.25; break-inside: avoid; }
li.check-row .mark { font-weight: 700; text-align: center; }
li.check-row .name { overflow-wrap: anywhere; }
li.check-row .reason { color: var(--muted); }
li.check-row .reason::before { content: "— "; }
li.check-row .row-meta { font-size: .72rem; color: var(--muted); white-space: nowrap; overflow-wrap: normal; }
.check-claim { margin: .5rem 0 0; font-size: .85rem; }
.message { white-space: pre-wrap; font-size: 1rem; font-weight: 500; margin: .5rem 0; }
.finding-head { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 1.25rem; align-items: start; }
.finding-head > * { min-width: 0; }
.basis { margin: .5rem 0; padding: .6rem .9rem; border-left: 3px solid var(--promise); background: var(--soft); border-radius: 0 6px 6px 0; }
.basis-open { border-left-color: var(--assumption); }
.basis figcaption { font-size: .72rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
.basis blockquote { margin: .2rem 0; font-style: italic; }
.basis blockquote::before { content: "\\201C"; } .basis blockquote::after { content: "\\201D"; }
.basis .graded, .basis .convention { margin: .2rem 0; }
.basis cite { font-style: normal; font-size: .8rem; color: var(--muted); }
dl.verdict-facts { margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; }
dl.verdict-facts > div { max-width: 100%; }
.response > h4 { display: inline-block; margin-right: .75rem; }
.response > .status-line { display: inline-block; margin: 0; }
.comparison > h4 { display: inline-block; margin-right: .75rem; }
.comparison > .diff-note { display: inline-block; margin: 0 0 .4rem; }
@media screen { .response pre { max-height: 15rem; overflow: auto; } }
details.response-headers > summary { cursor: pointer; font-weight: 600; font-size: .82rem; }
details.response-headers:not([open]) { display: inline-block; margin-left: 1rem; }
details.response-headers[open] > summary { margin: .35rem 0 0; }
details.diff-fold > summary { cursor: pointer; padding: .1rem .6rem; font: .75rem/1.6 var(--sans); color: var(--muted); background: var(--soft); \
border-top: 1px dashed var(--line); border-bottom: 1px dashed var(--line); }
details.diff-fold[open] > summary { border-bottom: 0; }
.block { margin-top: .5rem; min-width: 0; }
.codeblock { margin: .4rem 0; min-width: 0; }
.codeblock-head { display: flex; align-items: center; justify-content: space-between; gap: .5rem; margin-bottom: .15rem; }
.codeblock-head .label { font-weight: 600; font-size: .82rem; }
button.copy { margin-left: auto; font-size: .75rem; padding: .1rem .6rem; }
button.copy.copied { border-color: var(--passed); color: var(--passed); }
.codeblock .items { counter-reset: item; }
.codeblock .item { display: block; position: relative; padding-left: 1.6rem; }
.codeblock .item + .item { border-top: 1px dashed var(--line); margin-top: .3rem; padding-top: .3rem; }
.codeblock .item::before { counter-increment: item; content: counter(item); position: absolute; left: 0; width: 1.1rem; text-align: right; \
color: var(--muted); font-size: 11px; }
.status-line { font-family: var(--mono); font-size: 12.5px; font-weight: 600; }
.copy-buffer { position: fixed; top: 0; left: 0; width: 1px; height: 1px; opacity: 0; pointer-events: none; }

.diff { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; font: 12.5px/1.5 var(--mono); }
.diff-row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.diff-cell { padding: 0 .6rem; white-space: pre-wrap; min-width: 0; }
.diff-cell + .diff-cell { border-left: 1px solid var(--line); }
.diff-head .diff-cell { font: 600 .72rem/1.8 var(--sans); text-transform: uppercase; letter-spacing: .06em; color: var(--muted); \
background: var(--soft); border-bottom: 1px solid var(--line); }
.diff-changed .diff-expected { background: var(--expected-row); }
.diff-changed .diff-actual { background: var(--actual-row); }
.diff-changed .diff-missing { background: var(--soft); }
.diff mark { color: inherit; border-radius: 2px; }
.diff-expected mark { background: var(--expected-mark); }
.diff-actual mark { background: var(--actual-mark); }
.diff-row:first-of-type + .diff-row .diff-cell { padding-top: .35rem; }
.diff-row:last-child .diff-cell { padding-bottom: .35rem; }
.diff-note { font-size: .8rem; color: var(--muted); }

.scroll { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
table.matrix { width: auto; border-collapse: separate; border-spacing: 0; }
table.matrix th, table.matrix td { border-bottom: 1px solid var(--line); padding: .2rem .35rem; }
table.matrix .check-col { position: sticky; left: 0; background: var(--panel); min-width: 16rem; max-width: 24rem; z-index: 1; }
table.matrix thead th { vertical-align: bottom; }
table.matrix tbody .check-col { font-weight: 400; }
table.matrix .mutant-col { vertical-align: bottom; padding: .4rem .15rem; }
table.matrix .mutant-col span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-family: var(--mono); \
text-transform: none; letter-spacing: 0; font-size: 11px; }
table.matrix .global, table.matrix td.k.global { background: var(--soft); }
table.matrix .evidence { min-width: 10rem; max-width: 22rem; }
table.matrix td { vertical-align: middle; }
table.matrix tbody tr:hover > * { background: var(--soft); }
.k { text-align: center; min-width: 1.7rem; }
.kill { display: inline-block; width: 1.15rem; height: 1.15rem; line-height: 1.15rem; border-radius: 4px; text-align: center; font-size: .7rem; \
font-weight: 700; color: #fff; }
.kill-failed { background: var(--failed); }
.kill-warned { background: var(--warned); }
.legend .kill { vertical-align: -.2em; }
table.mutants td:nth-child(1) { min-width: 12rem; } table.mutants td:nth-child(2) { min-width: 14rem; } table.mutants td:nth-child(6) { min-width: 9rem; }
table.mutants td:nth-child(3) { min-width: 7.5rem; overflow-wrap: normal; } table.mutants td:nth-child(5) { white-space: nowrap; }
table.mutants tr:last-child td, table.matrix tr:last-child > * { border-bottom: 0; }
tr.mutant-survived td { background: var(--actual-row); }

@media (max-width: 800px) {
  .finding-head { grid-template-columns: minmax(0, 1fr); }
}
@media (max-width: 700px) {
  .masthead { flex-direction: column; align-items: flex-start; }
  dl.run-facts > div:nth-child(2) { grid-column: auto; }
}
@media print {
  :root { color-scheme: light; --bg: #fff; --panel: #fff; --text: #000; --muted: #444; --line: #bbb; --soft: #f3f3f3; --code-bg: #fafafa;
    --expected-row: #eef8f1; --expected-mark: #bfe8cb; --actual-row: #fbefef; --actual-mark: #f3c4c1; }
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .filters, button, .no-match { display: none !important; }
  .panel { border: 0; padding: 0; margin-bottom: 1.5rem; }
  tr, .diff-row, .codeblock-head, summary { break-inside: avoid; }
  details.check > summary::before, details.check[open] > summary::before { content: none; }
  details::details-content { content-visibility: visible; display: block; }
  details.fold > summary { display: none; }
  table.matrix .check-col { position: static; min-width: 9rem; }
  table.mutants td { min-width: 0 !important; padding: .25rem .35rem; }
  table.matrix .k, table.matrix .mutant-col { min-width: 0; padding: .1rem; font-size: 9pt; }
  .kill { width: .9rem; height: .9rem; line-height: .9rem; }
  a { color: inherit; text-decoration: none; }
}
`;
