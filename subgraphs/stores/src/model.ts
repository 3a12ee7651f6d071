// The stores subgraph's records as the repositories return them (camelCase).
import type { OpeningInterval } from './domain/opening-hours';

export type OperationKind = 'DIRECT' | 'FRANCHISE' | 'JOINT_OPERATION';
export type StoreStatus = 'OPEN' | 'CLOSED';
export type GuideStatus = 'ACTIVE' | 'LEFT';

export interface BrandRecord {
  id: string;
  code: string;
  name: string;
  groupId: string;
  /** Whether the caller may see the brand's private side (group, operators). */
  inScope: boolean;
}

/** A store operator: a franchisee (加盟商), a joint-operation partner (联营商) or the brand's direct arm. */
export interface FranchiseeRecord {
  id: string;
  brandId: string;
  name: string;
  kind: OperationKind;
}

export interface Address {
  province: string;
  city: string;
  district: string | null;
  line: string;
  postalCode: string | null;
}

/** GCJ-02 coordinates (the ones Chinese map services use). */
export interface GeoPoint {
  lat: number;
  lng: number;
}

export interface StoreRecord {
  id: string;
  brandId: string;
  franchiseeId: string;
  kind: OperationKind;
  code: string;
  name: string;
  address: Address;
  location: GeoPoint | null;
  phone: string | null;
  pickupEnabled: boolean;
  status: StoreStatus;
  updatedAt: Date;
  /** Whether the caller may see the store's private side (operator, guides). */
  inScope: boolean;
}

export type NewStore = Omit<StoreRecord, 'inScope' | 'updatedAt'>;

/** What updateStore may change; a key that is absent stays as it is. */
export type StoreChanges = Partial<Pick<StoreRecord, 'name' | 'address' | 'location' | 'phone' | 'pickupEnabled' | 'status' | 'franchiseeId' | 'kind'>>;

export interface StoreOpeningInterval extends OpeningInterval {
  storeId: string;
}

export interface GuideRecord {
  id: string;
  brandId: string;
  storeId: string;
  name: string;
  wecomUserId: string | null;
  status: GuideStatus;
  joinedAt: Date;
  leftAt: Date | null;
  /** When the row last changed: the version the copies of stores.guide.changed order by. */
  updatedAt: Date;
}

export type NewGuide = Omit<GuideRecord, 'status' | 'leftAt' | 'updatedAt'>;
