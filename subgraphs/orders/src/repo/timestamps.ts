/** A timestamptz column as the graph's DateTime text: UTC with milliseconds, e.g. 2026-01-05T02:00:00.000Z. */
export const isoColumn = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
