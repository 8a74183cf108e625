// Sizes and counts as people read them.
// 2019393189 -> "2.0 GB" (powers of 1000, as Ollama shows them)
export function bytes(n) {
  if (n == null || !Number.isFinite(Number(n))) return '–';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1000 && i < u.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i && v < 10 ? 1 : 0)} ${u[i]}`;
}

// 12345 -> "12,345"
export function count(n) {
  return n == null ? '–' : Number(n).toLocaleString();
}
