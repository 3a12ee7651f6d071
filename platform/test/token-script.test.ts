import { DEFAULT_JWT_MAX_LIFETIME_S } from '../src/config';
import { createTokenVerifier } from '../src/auth/jwt';
import { DEV_JWT_SECRET } from '../src/auth/dev-defaults';
import { tokenCli } from '../../scripts/token';

describe('npm run token', () => {
  it('prints a token the development secret verifies', async () => {
    const r = await tokenCli(['--role', 'FRANCHISEE', '--brand', 'b1', '--franchisee', 'f1', '--scopes', 'orders:read, members:read'], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    await expect(createTokenVerifier({ secret: DEV_JWT_SECRET })(r.stdout.trim())).resolves.toMatchObject({
      role: 'FRANCHISEE',
      brandId: 'b1',
      franchiseeId: 'f1',
      scopes: ['orders:read', 'members:read'],
    });
  });

  it('signs with JWT_SECRET when set', async () => {
    const secret = 'a-custom-jwt-secret-0123456789abc';
    const r = await tokenCli(['--role', 'guide', '--brand', 'b1', '--store', 's1', '--guide', 'g1'], { JWT_SECRET: secret });
    await expect(createTokenVerifier({ secret })(r.stdout.trim())).resolves.toMatchObject({ role: 'GUIDE', guideId: 'g1' });
    await expect(createTokenVerifier({ secret: DEV_JWT_SECRET })(r.stdout.trim())).rejects.toThrow();
  });

  it('sets the lifetime from --ttl', async () => {
    const r = await tokenCli(['--role', 'PLATFORM_ADMIN', '--ttl', '60'], {});
    const payload = JSON.parse(Buffer.from(r.stdout.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(60);
  });

  const claimsOf = (stdout: string) => JSON.parse(Buffer.from(stdout.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: number; exp?: number };

  it('carries iat and exp, 12 h by default, which the gateway accepts', async () => {
    const r = await tokenCli(['--role', 'PLATFORM_ADMIN'], {});
    const { iat, exp } = claimsOf(r.stdout);
    expect(typeof iat).toBe('number');
    expect(exp! - iat!).toBe(43200);
    await expect(createTokenVerifier({ secret: DEV_JWT_SECRET })(r.stdout.trim())).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
  });

  it('keeps --ttl within the gateway maximum lifetime (JWT_MAX_LIFETIME_S, default one day)', async () => {
    const day = await tokenCli(['--role', 'PLATFORM_ADMIN', '--ttl', String(DEFAULT_JWT_MAX_LIFETIME_S)], {});
    await expect(createTokenVerifier({ secret: DEV_JWT_SECRET })(day.stdout.trim())).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
    const longer = await tokenCli(['--role', 'PLATFORM_ADMIN', '--ttl', String(DEFAULT_JWT_MAX_LIFETIME_S + 1)], {});
    expect(longer.code).toBe(2);
    expect(longer.stderr).toBe('token: --ttl must be a number of seconds from 1 to 86400 (the gateway\'s JWT_MAX_LIFETIME_S) (got "86401")\n');
    const hour = await tokenCli(['--role', 'PLATFORM_ADMIN'], { JWT_MAX_LIFETIME_S: '3600' });
    expect(claimsOf(hour.stdout).exp! - claimsOf(hour.stdout).iat!).toBe(3600);
    expect((await tokenCli(['--role', 'PLATFORM_ADMIN', '--ttl', '3601'], { JWT_MAX_LIFETIME_S: '3600' })).code).toBe(2);
    expect((await tokenCli(['--role', 'PLATFORM_ADMIN', '--ttl', '100000'], { JWT_MAX_LIFETIME_S: '200000' })).code).toBe(0);
  });

  it('will not sign with the development secret for production', async () => {
    const r = await tokenCli(['--role', 'PLATFORM_ADMIN'], { NODE_ENV: 'production' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('token: JWT_SECRET is required with NODE_ENV=production (the development secret is refused there)\n');
    const secret = 'a-production-jwt-secret-0123456789abcdef';
    const ok = await tokenCli(['--role', 'PLATFORM_ADMIN'], { NODE_ENV: 'production', JWT_SECRET: secret });
    await expect(createTokenVerifier({ secret })(ok.stdout.trim())).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
  });

  it.each([
    [['--role', 'KING'], /^token: unknown role "KING"/],
    [[], /^token: --role is required/],
    [['--role', 'FRANCHISEE', '--brand', 'b1'], /^token: a FRANCHISEE token needs --franchisee ID$/],
    [['--role', 'MEMBER'], /^token: a MEMBER token needs --brand ID, --member ID$/],
    [['--role', 'PARTNER'], /^token: a PARTNER token needs --partner ID$/],
    [['--role', 'PLATFORM_ADMIN', '--ttl', 'soon'], /^token: --ttl must be/],
    [['--role', 'PLATFORM_ADMIN', '--bogus'], /^token: Unknown option '--bogus'/],
    [['--role', 'BRAND_ADMIN', '--brand', 'x'.repeat(65)], /^token: ids must be/],
  ])('refuses %j with one line and exit 2', async (argv, message) => {
    const r = await tokenCli(argv, {});
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr.trimEnd()).not.toContain('\n');
  });

  it('prints the usage for --help', async () => {
    const r = await tokenCli(['--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--role ROLE');
    expect(r.stdout).toContain('--franchisee ID');
  });
});
