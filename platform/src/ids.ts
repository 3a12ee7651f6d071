import crypto from 'node:crypto';

/**
 * A new entity id: a lowercase prefix naming the entity, "-", a random UUID, e.g. "sku-3f9c1a7b-…".
 * The same style as the demo data's readable ids ("store-lng-01", "sku-lng-br-2401-bk-75b").
 */
export function newId(prefix: string): string {
  if (!/^[a-z]{2,8}$/.test(prefix)) throw new Error(`id prefix must be 2 to 8 lowercase letters: ${prefix}`);
  return `${prefix}-${crypto.randomUUID()}`;
}
