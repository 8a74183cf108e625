// A line diff of two texts (the longest common subsequence of their lines):
// [{op: ' ' | '-' | '+', line}]. The API keeps every version of a prompt
// but has no diff route for them; prompts are small (100,000 characters at
// most), and past LIMIT lines on each side only the common head and tail
// are matched, the middle shown as removed then added.
const LIMIT = 2000;

export function diffLines(a, b) {
  const A = a.split('\n');
  const B = b.split('\n');
  let head = 0;
  while (head < A.length && head < B.length && A[head] === B[head]) head++;
  let tail = 0;
  while (tail < A.length - head && tail < B.length - head && A[A.length - 1 - tail] === B[B.length - 1 - tail]) tail++;
  const out = A.slice(0, head).map((line) => ({ op: ' ', line }));
  const a2 = A.slice(head, A.length - tail);
  const b2 = B.slice(head, B.length - tail);
  if (a2.length > LIMIT || b2.length > LIMIT) {
    out.push(...a2.map((line) => ({ op: '-', line })), ...b2.map((line) => ({ op: '+', line })));
  } else {
    out.push(...lcs(a2, b2));
  }
  out.push(...A.slice(A.length - tail).map((line) => ({ op: ' ', line })));
  return out;
}

function lcs(a, b) {
  const n = a.length;
  const m = b.length;
  // L[i][j]: the length of the LCS of a[i..] and b[j..]
  const L = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) (out.push({ op: ' ', line: a[i] }), i++, j++);
    else if (L[i + 1][j] >= L[i][j + 1]) out.push({ op: '-', line: a[i++] });
    else out.push({ op: '+', line: b[j++] });
  }
  while (i < n) out.push({ op: '-', line: a[i++] });
  while (j < m) out.push({ op: '+', line: b[j++] });
  return out;
}

// The {{name}} placeholders of a body as the server reads them ({{{{ is a
// literal {{), without the built-ins the server fills in itself.
const BUILTIN = /^(date|datetime|user|project\.name|project\.description)$/;
export function variablesOf(body) {
  const seen = new Set();
  const re = /\{\{\{\{|\{\{\s*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
  let m;
  while ((m = re.exec(body))) if (m[1] && !BUILTIN.test(m[1])) seen.add(m[1]);
  return [...seen];
}
