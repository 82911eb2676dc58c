/**
 * A small, pure text diff for showing a failure's expected and actual values side by side: lines are
 * matched by a longest common subsequence, and within a changed pair of lines the part between their
 * common prefix and common suffix is marked. Bounded: the subsequence table is capped, beyond it lines
 * are paired in order, so any input costs at most linear time plus the cap.
 */

interface DiffSegment {
  readonly text: string;
  /** Whether this part differs from the other side. */
  readonly changed: boolean;
}

export interface DiffLine {
  readonly segments: readonly DiffSegment[];
}

/** One row of the side-by-side view: a line on each side, or on one side only (added or removed). */
export interface DiffRow {
  readonly left?: DiffLine;
  readonly right?: DiffLine;
  readonly same: boolean;
}

/** The most cells of the line table the subsequence may fill (4 KiB inputs stay far below it). */
const MAX_TABLE_CELLS = 250_000;
/** Inputs longer than this are not laid out as JSON (the layout is for excerpts, not whole documents). */
const MAX_LAYOUT_CHARS = 64 * 1024;
const MAX_LAYOUT_DEPTH = 32;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Prefix and suffix lengths two lines share, never splitting a surrogate pair, never overlapping. */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(a.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < limit - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  // A suffix that starts on a low surrogate would split a pair whose high half differs.
  if (suffix > 0 && isLowSurrogate(a.charCodeAt(a.length - suffix))) suffix--;
  return { prefix, suffix };
}

function segmentsOf(line: string, prefix: number, suffix: number): DiffSegment[] {
  const parts: DiffSegment[] = [
    { text: line.slice(0, prefix), changed: false },
    { text: line.slice(prefix, line.length - suffix), changed: true },
    { text: line.slice(line.length - suffix), changed: false },
  ];
  return parts.filter((part) => part.text.length > 0);
}

const whole = (line: string, changed: boolean): DiffLine => ({ segments: line.length > 0 ? [{ text: line, changed }] : [] });

/**
 * A changed pair: the middle marked when the lines share an end, the whole line otherwise. A trailing
 * comma is set aside first: a laid-out JSON member has one unless it is its object's last, and that
 * difference alone should not hide the value's common end (`"a": "",` against `"a": "x"`).
 */
function pairRow(leftLine: string, rightLine: string): DiffRow {
  const [left, leftComma] = leftLine.endsWith(',') ? [leftLine.slice(0, -1), ','] : [leftLine, ''];
  const [right, rightComma] = rightLine.endsWith(',') ? [rightLine.slice(0, -1), ','] : [rightLine, ''];
  const { prefix, suffix } = commonEnds(left, right);
  if (prefix + suffix === 0) return { left: whole(leftLine, true), right: whole(rightLine, true), same: false };
  const side = (line: string, comma: string): DiffLine => ({
    segments: [...segmentsOf(line, prefix, suffix), ...(comma ? [{ text: comma, changed: false }] : [])],
  });
  return { left: side(left, leftComma), right: side(right, rightComma), same: false };
}

/**
 * Whether two lines are one line changed rather than two unrelated ones: what they share beyond their
 * indentation is at least 40% of the shorter one (`"lastName": "Q6",` and `"lastName": "fqKWtD",`).
 */
function similar(left: string, right: string): boolean {
  const { prefix, suffix } = commonEnds(left, right);
  const indent = Math.min(prefix, /^\s*/.exec(left)![0].length, /^\s*/.exec(right)![0].length);
  const shorter = Math.min(left.length, right.length) - indent;
  return shorter > 0 && (prefix - indent + suffix) * 5 >= shorter * 2;
}

/** How far ahead a removed line looks for its changed counterpart among the added ones. */
const PAIRING_WINDOW = 64;

/**
 * Lines removed and added between two matches. A removed line is paired with the next similar added
 * line (its changed part marked); lines left unpaired are set side by side as whole changes, in order.
 */
function gapRows(removed: readonly string[], added: readonly string[]): DiffRow[] {
  if (removed.length === 1 && added.length === 1) return [pairRow(removed[0]!, added[0]!)];
  const rows: DiffRow[] = [];
  const unpairedLeft: string[] = [];
  const unpairedRight: string[] = [];
  const flushUnpaired = () => {
    const count = Math.max(unpairedLeft.length, unpairedRight.length);
    for (let index = 0; index < count; index++) {
      const left = unpairedLeft[index];
      const right = unpairedRight[index];
      rows.push({
        ...(left !== undefined ? { left: whole(left, true) } : {}),
        ...(right !== undefined ? { right: whole(right, true) } : {}),
        same: false,
      });
    }
    unpairedLeft.length = 0;
    unpairedRight.length = 0;
  };
  let next = 0;
  for (const line of removed) {
    let match = -1;
    for (let candidate = next; candidate < Math.min(added.length, next + PAIRING_WINDOW); candidate++) {
      if (similar(line, added[candidate]!)) {
        match = candidate;
        break;
      }
    }
    if (match < 0) {
      unpairedLeft.push(line);
      continue;
    }
    unpairedRight.push(...added.slice(next, match));
    flushUnpaired();
    rows.push(pairRow(line, added[match]!));
    next = match + 1;
  }
  unpairedRight.push(...added.slice(next));
  flushUnpaired();
  return rows;
}

/** Index pairs of the longest common subsequence of two line lists, in order. */
function matchedLines(leftLines: readonly string[], rightLines: readonly string[]): [number, number][] {
  // Lines become numbers first, so each cell of the table compares two numbers, not two strings.
  const ids = new Map<string, number>();
  const idOf = (line: string) => ids.get(line) ?? ids.set(line, ids.size).get(line)!;
  const left = leftLines.map(idOf);
  const right = rightLines.map(idOf);
  const width = right.length + 1;
  // lengths[i * width + j]: the subsequence length of left[i..] and right[j..].
  const lengths = new Uint32Array((left.length + 1) * width);
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        left[i] === right[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) pairs.push([i++, j++]);
    else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** The rows of a side-by-side diff of two texts, line by line. */
export function diffLines(expected: string, actual: string): DiffRow[] {
  const left = expected.split(/\r?\n/);
  const right = actual.split(/\r?\n/);
  let head = 0;
  while (head < left.length && head < right.length && left[head] === right[head]) head++;
  let tail = 0;
  while (tail < left.length - head && tail < right.length - head && left[left.length - 1 - tail] === right[right.length - 1 - tail]) tail++;
  const same = (line: string): DiffRow => ({ left: whole(line, false), right: whole(line, false), same: true });
  const leftMiddle = left.slice(head, left.length - tail);
  const rightMiddle = right.slice(head, right.length - tail);
  const rows = left.slice(0, head).map(same);
  if ((leftMiddle.length + 1) * (rightMiddle.length + 1) > MAX_TABLE_CELLS) {
    rows.push(...gapRows(leftMiddle, rightMiddle));
  } else {
    let fromLeft = 0;
    let fromRight = 0;
    for (const [i, j] of [...matchedLines(leftMiddle, rightMiddle), [leftMiddle.length, rightMiddle.length] as [number, number]]) {
      rows.push(...gapRows(leftMiddle.slice(fromLeft, i), rightMiddle.slice(fromRight, j)));
      if (i < leftMiddle.length) rows.push(same(leftMiddle[i]!));
      fromLeft = i + 1;
      fromRight = j + 1;
    }
  }
  rows.push(...left.slice(left.length - tail).map(same));
  return rows;
}

/**
 * One-line JSON laid out one member per line, so a line diff can find the member that differs. Purely
 * lexical: only whitespace outside strings changes, every value keeps its exact text (no number is
 * re-printed). Undefined when the text is not a JSON object or array with closed strings and matched brackets.
 */
export function layoutJson(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LAYOUT_CHARS || !/^[[{]/.test(trimmed)) return undefined;
  let out = '';
  // The closing bracket each open one expects, innermost last.
  const closers: string[] = [];
  let inString = false;
  const newline = () => `\n${'  '.repeat(closers.length)}`;
  for (let index = 0; index < trimmed.length; index++) {
    // Anything after the root value closed: not one JSON value.
    if (closers.length === 0 && index > 0 && !inString) return undefined;
    const char = trimmed[index]!;
    if (inString) {
      out += char;
      if (char === '\\') out += trimmed[++index] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '{' || char === '[') {
      const closer = char === '{' ? '}' : ']';
      let next = index + 1;
      while (next < trimmed.length && /\s/.test(trimmed[next]!)) next++;
      if (trimmed[next] === closer) {
        // An empty container stays on one line: `{}`, `[]`.
        out += char + closer;
        index = next;
        continue;
      }
      closers.push(closer);
      // Deep nesting would make the indentation, not the content, the output's size.
      if (closers.length > MAX_LAYOUT_DEPTH) return undefined;
      out += char + newline();
    } else if (char === '}' || char === ']') {
      if (closers.pop() !== char) return undefined;
      out += newline() + char;
    } else if (char === ',') out += char + newline();
    else if (char === ':') out += ': ';
    else if (!/\s/.test(char)) out += char;
  }
  return closers.length === 0 && !inString ? out : undefined;
}

/**
 * The two texts as the diff should compare them: one-line JSON on both sides (long enough to need it)
 * laid out member by member; anything else as it is.
 */
export function diffableTexts(expected: string, actual: string): { expected: string; actual: string; laidOut: boolean } {
  const oneLine = !/[\r\n]/.test(expected) && !/[\r\n]/.test(actual);
  if (oneLine && Math.max(expected.length, actual.length) > 60) {
    const left = layoutJson(expected);
    const right = layoutJson(actual);
    if (left !== undefined && right !== undefined) return { expected: left, actual: right, laidOut: true };
  }
  return { expected, actual, laidOut: false };
}
