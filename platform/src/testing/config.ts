import { baseConfigShape, parseConfig, type BaseConfig } from '../config';
import { TEST_INTERNAL_SECRET } from './graphql';

/** The config a test starts services with: the test internal secret, silent logs. */
export function testConfig(env: Record<string, string> = {}): BaseConfig {
  return parseConfig(baseConfigShape, { INTERNAL_SECRET: TEST_INTERNAL_SECRET, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', NODE_ENV: 'test', ...env });
}
