// The bench's tables (bench/run.ts): markdown rows, and the ratios of this gateway to each peer.

export type Row = Record<string, string | number>;

/** A markdown table of rows (columns: the keys of the first row, in order). */
export function markdownTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const header = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => String(v ?? '').replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${header.map((h) => cell(r[h])).join(' | ')} |`)].join('\n');
}

/** One scenario's measurement through one gateway. */
export interface Measured {
  scenario: string;
  reqPerSecond: number;
  gatewayCpuMs: number | null;
  graphCpuMs: number | null;
}

/** `a ÷ b` with two decimals, or '-' when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (a == null || b == null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return '-';
  return (a / b).toFixed(2);
}

/**
 * Per scenario: this gateway's req/s, gateway CPU and whole-graph CPU per request divided by each peer's
 * (req/s above 1 and CPU below 1 are this gateway ahead). A scenario a peer did not run shows '-'.
 */
export function ratioRows(ours: readonly Measured[], peers: Readonly<Record<string, readonly Measured[]>>): Row[] {
  return ours.map((o) => {
    const row: Row = { scenario: o.scenario };
    for (const [peer, measured] of Object.entries(peers)) {
      const p = measured.find((m) => m.scenario === o.scenario);
      row[`req/s ÷ ${peer}`] = ratio(o.reqPerSecond, p?.reqPerSecond);
      row[`gateway CPU ÷ ${peer}`] = ratio(o.gatewayCpuMs, p?.gatewayCpuMs);
      row[`graph CPU ÷ ${peer}`] = ratio(o.graphCpuMs, p?.graphCpuMs);
    }
    return row;
  });
}

/** The query with a fresh operation name (`query BenchOp<n>(…`), so no gateway can reuse a cached plan. */
export function withOperationName(query: string, n: number): string {
  const named = query.replace(/^\s*query\s*(\(|\{)/, (_m, open: string) => `query BenchOp${n}${open}`);
  return named === query ? `query BenchOp${n} ${query.trimStart()}` : named;
}
