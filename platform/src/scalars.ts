import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

// RFC 3339 with an explicit offset: a time without a zone would be read in the server's zone.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Whether the fields are a real calendar date and clock time. Date itself rolls 2024-02-30 over to March 1
 * and 24:00 to the next day, so a typo would be stored as another day instead of being refused.
 */
function validFields(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, offH = 0, offM = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offH <= 23 && offM <= 59;
}

/**
 * The error of a value a custom scalar refuses: BAD_USER_INPUT, whether the value came as a variable or as a
 * literal (graphql-js reports a literal's as a validation error; `scalar` lets maskError keep BAD_USER_INPUT).
 */
export function invalidScalarValue(scalar: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', scalar } });
}

function parse(value: unknown): Date {
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  const d = m && validFields(m) ? new Date(m[0]) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw invalidScalarValue('DateTime', 'DateTime must be an ISO 8601 date-time with offset, e.g. 2024-11-11T00:00:00+08:00');
  }
  return d;
}

/** ISO 8601 date-time; Dates go out in UTC (…Z). */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) throw new GraphQLError('DateTime cannot represent this value');
    return d.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    return parse(ast.kind === Kind.STRING ? ast.value : null);
  },
});
