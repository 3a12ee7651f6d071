import crypto from 'node:crypto';

// How members protects a person's phone number (docs/architecture.md §4): stored only as AES-256-GCM
// ciphertext, found again through a keyed hash (HMAC-SHA256), and turned into the person's OneID through
// another keyed hash. All three keys are derived from one secret setting, MEMBER_DATA_KEY (HKDF-SHA256, one
// key per purpose), so a leaked table of hashes cannot be reversed by trying every mobile number.

const SEALED_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The keys derived from MEMBER_DATA_KEY. */
export class MemberDataKey {
  private readonly encryption: Buffer;
  private readonly lookup: Buffer;
  private readonly oneId: Buffer;

  constructor(secret: string) {
    const ikm = Buffer.from(secret, 'utf8');
    const derive = (purpose: string) => Buffer.from(crypto.hkdfSync('sha256', ikm, Buffer.alloc(0), `members/${purpose}`, 32));
    this.encryption = derive('phone-encryption');
    this.lookup = derive('phone-lookup');
    this.oneId = derive('one-id');
  }

  /**
   * The number encrypted with AES-256-GCM under a fresh random IV, bound to its member (the member id is the
   * additional authenticated data, so a ciphertext copied to another row does not open):
   * "v1.<iv>.<tag>.<ciphertext>", base64url.
   */
  sealPhone(memberId: string, mobile: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.encryption, iv);
    cipher.setAAD(Buffer.from(memberId, 'utf8'));
    const body = Buffer.concat([cipher.update(mobile, 'utf8'), cipher.final()]);
    return [SEALED_VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** The number sealPhone sealed for this member; throws when the text was altered, moved or sealed with another key. */
  openPhone(memberId: string, sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== SEALED_VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed phone number');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.encryption, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(memberId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The keyed hash a normalized number is looked up by (hex): the same for one number in every brand. */
  phoneHash(mobile: string): string {
    return crypto.createHmac('sha256', this.lookup).update(mobile, 'utf8').digest('hex');
  }

  /** The OneID of the person with this normalized number, when no earlier member of theirs gave one. */
  oneIdFromPhone(mobile: string): string {
    return `oid-${crypto.createHmac('sha256', this.oneId).update(mobile, 'utf8').digest('hex').slice(0, 32)}`;
  }
}

const derived = new Map<string, MemberDataKey>();

/** The keys of a MEMBER_DATA_KEY value, derived once per process. */
export function memberDataKey(settings: { MEMBER_DATA_KEY: string }): MemberDataKey {
  let key = derived.get(settings.MEMBER_DATA_KEY);
  if (!key) {
    key = new MemberDataKey(settings.MEMBER_DATA_KEY);
    derived.set(settings.MEMBER_DATA_KEY, key);
  }
  return key;
}
