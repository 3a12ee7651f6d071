import crypto from 'node:crypto';

/** A new entity id, e.g. "st_3f9c1a7be2d04c55". */
export function newId(prefix: 'fr' | 'st' | 'gd'): string {
  return `${prefix}_${crypto.randomBytes(8).toString('hex')}`;
}
