import { signDevToken, type Role, type Viewer } from '@retail/platform';
import { TEST_JWT_SECRET } from './graph';

export function tokenFor(v: Partial<Viewer> & { role: Role }, secret = TEST_JWT_SECRET): Promise<string> {
  return signDevToken(v, { secret });
}
