/**
 * Development-only defaults shared by the gateway and `npm run token`, so a token printed by the
 * script is accepted by a gateway started without JWT_SECRET. Never use them in production.
 */
export const DEV_JWT_SECRET = 'dev-jwt-secret-change-me-0123456789';
