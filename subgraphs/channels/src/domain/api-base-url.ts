import type { InputCheck } from '@retail/platform';

/** A provider's API base URL: absolute http(s), no credentials, no fragment; returned without a trailing slash. */
export function checkApiBaseUrl(check: InputCheck, value: string, field: readonly string[]): string {
  let url: URL | null = null;
  try {
    url = new URL(value.trim());
  } catch {
    url = null;
  }
  const ok = url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.hash && value.length <= 500;
  check.require(ok, field, 'must be an absolute http(s) URL without credentials, at most 500 characters');
  return ok ? value.trim().replace(/\/+$/, '') : '';
}
