import { UserErrorException, userError, type UserError } from '@retail/platform';
import { parseOpeningHours, type OpeningHours, type OpeningInterval } from '../../openingHours';
import type { Address, GeoPoint } from '../../store/stores';

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

/**
 * Collects every INVALID_INPUT of a mutation's input, each with its field path, and throws them
 * together (done()) before anything is written.
 */
export class InputCheck {
  readonly errors: UserError[] = [];

  fail(message: string, field: Field): void {
    this.errors.push(userError('INVALID_INPUT', message, [...field]));
  }

  /** Trimmed text of 1..max characters. */
  text(value: string, field: Field, max: number): string {
    const v = value.trim();
    if (v.length === 0 || [...v].length > max) this.fail(`must be 1 to ${max} characters`, field);
    return v;
  }

  /** Like text, but empty means "none". */
  optionalText(value: string | null | undefined, field: Field, max: number): string | null {
    const v = value?.trim() ?? '';
    return v === '' ? null : this.text(v, field, max);
  }

  storeCode(value: string, field: Field): string {
    const v = value.trim().toUpperCase();
    if (!STORE_CODE.test(v)) this.fail('must be 1 to 32 letters, digits, "-" or "_", starting with a letter or digit', field);
    return v;
  }

  address(a: AddressInput, field: Field): Address {
    const postalCode = this.optionalText(a.postalCode, [...field, 'postalCode'], 6);
    if (postalCode !== null && !POSTAL_CODE.test(postalCode)) this.fail('must be 6 digits', [...field, 'postalCode']);
    return {
      province: this.text(a.province, [...field, 'province'], 20),
      city: this.text(a.city, [...field, 'city'], 30),
      district: this.optionalText(a.district, [...field, 'district'], 30),
      line: this.text(a.line, [...field, 'line'], 200),
      postalCode,
    };
  }

  location(l: GeoPointInput | null | undefined, field: Field): GeoPoint | null {
    if (!l) return null;
    if (!(l.lat >= CHINA.minLat && l.lat <= CHINA.maxLat)) this.fail(`latitude must be within mainland China (${CHINA.minLat}..${CHINA.maxLat}, GCJ-02)`, [...field, 'lat']);
    if (!(l.lng >= CHINA.minLng && l.lng <= CHINA.maxLng)) this.fail(`longitude must be within mainland China (${CHINA.minLng}..${CHINA.maxLng}, GCJ-02)`, [...field, 'lng']);
    return { lat: l.lat, lng: l.lng };
  }

  phone(value: string | null | undefined, field: Field): string | null {
    const v = value?.trim() ?? '';
    if (v === '') return null;
    if (!PHONE.test(v)) this.fail('must be a phone number such as 021-62881618 or 13800138000', field);
    return v;
  }

  wecomUserId(value: string | null | undefined, field: Field): string | null {
    const v = value?.trim() ?? '';
    if (v === '') return null;
    if (!WECOM_USER_ID.test(v)) this.fail('must be a WeCom userid: 1 to 64 letters, digits, "_", "-", "." or "@"', field);
    return v;
  }

  openingHours(list: readonly OpeningHours[] | null | undefined, field: Field): OpeningInterval[] {
    const { intervals, errors } = parseOpeningHours(list ?? [], field);
    this.errors.push(...errors);
    return intervals;
  }

  /** Throws the collected errors, if any. */
  done(): void {
    if (this.errors.length) throw new UserErrorException(this.errors);
  }
}
