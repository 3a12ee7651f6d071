import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

// RFC 3339 with an explicit offset: a time without a zone would be read in the server's zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parse(value: unknown): Date {
  const d = typeof value === 'string' && RFC3339.test(value) ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 date-time with offset, e.g. 2024-11-11T00:00:00+08:00', { extensions: { code: 'BAD_USER_INPUT' } });
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
