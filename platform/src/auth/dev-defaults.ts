/**
 * Development-only defaults shared by the services and `npm run token`, so that `npm start` and the tests
 * need no configuration and a token printed by the script is accepted by a gateway started without
 * JWT_SECRET. With NODE_ENV=production parseConfig refuses them (see productionSecretProblems).
 */
export const DEV_JWT_SECRET = 'dev-jwt-secret-change-me-0123456789';
export const DEV_INTERNAL_SECRET = 'dev-internal-secret-change-me';

/** Every secret value that ships in this repository as a development default. */
export const DEVELOPMENT_SECRETS: readonly string[] = [DEV_JWT_SECRET, DEV_INTERNAL_SECRET];

/** A development default, or an obvious placeholder ("…change-me…"): never acceptable in production. */
export function isDevelopmentSecret(value: string): boolean {
  return DEVELOPMENT_SECRETS.includes(value) || /change-?me/i.test(value);
}
