// npm run token -- --role ROLE [--brand ID] [--franchisee ID] [--store ID] [--guide ID] [--member ID]
//                  [--partner ID] [--scopes a,b] [--ttl SECONDS]
// Prints a JWT (HS256 with JWT_SECRET, or outside production the development default the gateway also uses),
// with iat and exp, its lifetime within the gateway's JWT_MAX_LIFETIME_S.
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_MAX_LIFETIME_S, DEV_JWT_SECRET, ROLES, makeViewer, missingClaims, signDevToken, type Role, type Viewer } from '@retail/platform';

export const USAGE = `Usage: npm run token -- --role ROLE [options]

Prints a JWT for the gateway (HS256, secret from JWT_SECRET or, outside production, the development
default), carrying iat and exp.

  --role ROLE         ${ROLES.join(' | ')}
  --brand ID          brandId      (BRAND_ADMIN, FRANCHISEE, STORE_STAFF, GUIDE, MEMBER)
  --franchisee ID     franchiseeId (FRANCHISEE)
  --store ID          storeId      (STORE_STAFF, GUIDE)
  --guide ID          guideId      (GUIDE)
  --member ID         memberId     (MEMBER)
  --partner ID        partnerBrandId (PARTNER)
  --scopes a,b        extra scopes, comma separated
  --ttl SECONDS       lifetime (default 43200 = 12 h; at most JWT_MAX_LIFETIME_S, default 86400)
  --help              this text

Example: npm run token -- --role FRANCHISEE --brand <brandId> --franchisee <franchiseeId>
Use it as: curl -H "authorization: Bearer <token>" http://localhost:4000/graphql`;

const FLAG_OF: Record<string, string> = {
  brandId: '--brand',
  franchiseeId: '--franchisee',
  storeId: '--store',
  guideId: '--guide',
  memberId: '--member',
  partnerBrandId: '--partner',
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Lifetime of a token when --ttl is not given: 12 h. */
const DEFAULT_TTL_S = 43_200;

const fail = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `token: ${message}\n` });

export async function tokenCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        brand: { type: 'string' },
        franchisee: { type: 'string' },
        store: { type: 'string' },
        guide: { type: 'string' },
        member: { type: 'string' },
        partner: { type: 'string' },
        scopes: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return fail(`${(e as Error).message} (see --help)`);
  }
  if (values.help) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  const role = values.role?.toUpperCase();
  if (!role) return fail(`--role is required: ${ROLES.join(', ')}`);
  if (!(ROLES as readonly string[]).includes(role)) return fail(`unknown role "${values.role}": use one of ${ROLES.join(', ')}`);

  const maxText = env.JWT_MAX_LIFETIME_S || String(DEFAULT_JWT_MAX_LIFETIME_S);
  if (!/^\d+$/.test(maxText) || Number(maxText) < 1) return fail(`JWT_MAX_LIFETIME_S must be a number of seconds (got "${maxText}")`);
  const maxTtl = Number(maxText);
  const ttlText = values.ttl ?? String(Math.min(DEFAULT_TTL_S, maxTtl));
  if (!/^\d+$/.test(ttlText) || Number(ttlText) < 1 || Number(ttlText) > maxTtl) {
    return fail(`--ttl must be a number of seconds from 1 to ${maxTtl} (the gateway's JWT_MAX_LIFETIME_S) (got "${ttlText}")`);
  }

  const scopes = (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let viewer: Viewer;
  try {
    viewer = makeViewer({
      role: role as Role,
      brandId: values.brand ?? null,
      franchiseeId: values.franchisee ?? null,
      storeId: values.store ?? null,
      guideId: values.guide ?? null,
      memberId: values.member ?? null,
      partnerBrandId: values.partner ?? null,
      scopes,
    });
  } catch {
    return fail('ids must be 1 to 64 characters and scopes 1 to 64 characters each (at most 64 scopes)');
  }
  const missing = missingClaims(viewer);
  if (missing.length) return fail(`a ${role} token needs ${missing.map((k) => `${FLAG_OF[k] ?? k} ID`).join(', ')}`);

  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) return fail('JWT_SECRET is required with NODE_ENV=production (the development secret is refused there)');
  const secret = env.JWT_SECRET || DEV_JWT_SECRET;
  const token = await signDevToken({ ...viewer, role: role as Role }, {
    secret,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    ttlSeconds: Number(ttlText),
  });
  return { code: 0, stdout: `${token}\n`, stderr: '' };
}

if (require.main === module) {
  void tokenCli(process.argv.slice(2)).then((r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.code;
  });
}
