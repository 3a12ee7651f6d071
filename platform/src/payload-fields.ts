// Reading an event payload's fields (an `unknown` parsed from JSON) in the consumers platform/ provides.

/** A non-empty string, or null. */
export const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A string that parses as a date (ISO 8601), or null. */
export const isoOrNull = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null);
