import { baseConfigShape, z } from '@retail/platform';

/** What `npm start` / `npm run start:prod` read besides every service's settings (<NAME>_PORT aside). */
export const startConfigShape = {
  ...baseConfigShape,
  /** The gateway's port when PORT is not given. */
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
};
