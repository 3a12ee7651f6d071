import type { InputCheck } from '@retail/platform';
import type { Address, GeoPoint } from '../model';
import { parseOpeningHours, type OpeningHours, type OpeningInterval } from './opening-hours';

// Checks of the stores subgraph's own input values, on the shared InputCheck (every fault with its path).

export interface AddressInput {
  province: string;
  city: string;
  district?: string | null;
  line: string;
  postalCode?: string | null;
}

export type GeoPointInput = GeoPoint;

type Field = readonly string[];

const STORE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const POSTAL_CODE = /^\d{6}$/;
// Landlines with area code (021-62881618), mobiles (13800138000), service numbers (400-820-1234), +86 prefixes.
const PHONE = /^\+?[0-9][0-9 -]{4,22}[0-9]$/;
const WECOM_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
// GCJ-02 is defined for mainland China; a point outside this box is a typo (swapped lat/lng, WGS-84 of elsewhere).
const CHINA = { minLat: 3.5, maxLat: 53.6, minLng: 73.4, maxLng: 135.1 };

export function storeCode(check: InputCheck, value: string, field: Field): string {
  const v = value.trim().toUpperCase();
  check.require(STORE_CODE.test(v), field, 'must be 1 to 32 letters, digits, "-" or "_", starting with a letter or digit');
  return v;
}

export function address(check: InputCheck, a: AddressInput, field: Field): Address {
  const postalCode = check.optionalText(a.postalCode, [...field, 'postalCode'], 6);
  if (postalCode !== null) check.require(POSTAL_CODE.test(postalCode), [...field, 'postalCode'], 'must be 6 digits');
  return {
    province: check.text(a.province, [...field, 'province'], 20),
    city: check.text(a.city, [...field, 'city'], 30),
    district: check.optionalText(a.district, [...field, 'district'], 30),
    line: check.text(a.line, [...field, 'line'], 200),
    postalCode,
  };
}

export function location(check: InputCheck, l: GeoPointInput | null | undefined, field: Field): GeoPoint | null {
  if (!l) return null;
  check.require(l.lat >= CHINA.minLat && l.lat <= CHINA.maxLat, [...field, 'lat'], `latitude must be within mainland China (${CHINA.minLat}..${CHINA.maxLat}, GCJ-02)`);
  check.require(l.lng >= CHINA.minLng && l.lng <= CHINA.maxLng, [...field, 'lng'], `longitude must be within mainland China (${CHINA.minLng}..${CHINA.maxLng}, GCJ-02)`);
  return { lat: l.lat, lng: l.lng };
}

export function phone(check: InputCheck, value: string | null | undefined, field: Field): string | null {
  const v = value?.trim() ?? '';
  if (v === '') return null;
  check.require(PHONE.test(v), field, 'must be a phone number such as 021-62881618 or 13800138000');
  return v;
}

export function wecomUserId(check: InputCheck, value: string | null | undefined, field: Field): string | null {
  const v = value?.trim() ?? '';
  if (v === '') return null;
  check.require(WECOM_USER_ID.test(v), field, 'must be a WeCom userid: 1 to 64 letters, digits, "_", "-", "." or "@"');
  return v;
}

export function openingHours(check: InputCheck, list: readonly OpeningHours[] | null | undefined, field: Field): OpeningInterval[] {
  const { intervals, errors } = parseOpeningHours(list ?? [], field);
  check.errors.push(...errors);
  return intervals;
}
