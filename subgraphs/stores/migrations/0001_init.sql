-- The stores subgraph: brands of the group, their store operators, stores with weekly opening hours, guides.
CREATE TABLE stores.brand (
  id         text        PRIMARY KEY,
  code       text        NOT NULL,
  name       text        NOT NULL,
  group_id   text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT brand_code_key UNIQUE (code)
);

CREATE TABLE stores.franchisee (
  id         text        PRIMARY KEY,
  brand_id   text        NOT NULL REFERENCES stores.brand (id),
  name       text        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('DIRECT', 'FRANCHISE', 'JOINT_OPERATION')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT franchisee_brand_name_key UNIQUE (brand_id, name),
  -- Target of store's composite key: a store's brand and kind always equal its operator's.
  CONSTRAINT franchisee_brand_id_kind_key UNIQUE (brand_id, id, kind)
);

CREATE TABLE stores.store (
  id             text             PRIMARY KEY,
  brand_id       text             NOT NULL,
  franchisee_id  text             NOT NULL,
  kind           text             NOT NULL,
  code           text             NOT NULL,
  name           text             NOT NULL,
  province       text             NOT NULL,
  city           text             NOT NULL,
  district       text,
  address_line   text             NOT NULL,
  postal_code    text,
  lat            double precision CHECK (lat BETWEEN -90 AND 90),
  lng            double precision CHECK (lng BETWEEN -180 AND 180),
  phone          text,
  pickup_enabled boolean          NOT NULL DEFAULT false,
  status         text             NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
  created_at     timestamptz      NOT NULL DEFAULT now(),
  updated_at     timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT store_brand_code_key UNIQUE (brand_id, code),
  CONSTRAINT store_brand_id_key UNIQUE (brand_id, id),
  CONSTRAINT store_operator_fkey FOREIGN KEY (brand_id, franchisee_id, kind) REFERENCES stores.franchisee (brand_id, id, kind),
  CONSTRAINT store_location_complete CHECK ((lat IS NULL) = (lng IS NULL)),
  CONSTRAINT store_closed_no_pickup CHECK (status = 'OPEN' OR NOT pickup_enabled)
);
CREATE INDEX store_list ON stores.store (code, id);
CREATE INDEX store_franchisee_list ON stores.store (franchisee_id, code, id);
CREATE INDEX store_brand_list ON stores.store (brand_id, code, id);

-- Minutes since midnight, local time (Asia/Shanghai); closes = 1440 is midnight.
CREATE TABLE stores.opening_hours (
  store_id    text     NOT NULL REFERENCES stores.store (id) ON DELETE CASCADE,
  day_of_week smallint NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),
  opens_min   smallint NOT NULL CHECK (opens_min BETWEEN 0 AND 1439),
  closes_min  smallint NOT NULL CHECK (closes_min BETWEEN 1 AND 1440),
  PRIMARY KEY (store_id, day_of_week, opens_min),
  CHECK (closes_min > opens_min)
);

CREATE TABLE stores.guide (
  id            text        PRIMARY KEY,
  brand_id      text        NOT NULL REFERENCES stores.brand (id),
  store_id      text        NOT NULL,
  name          text        NOT NULL,
  wecom_user_id text,
  status        text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'LEFT')),
  joined_at     timestamptz NOT NULL,
  left_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT guide_store_fkey FOREIGN KEY (brand_id, store_id) REFERENCES stores.store (brand_id, id),
  CONSTRAINT guide_left_at_matches_status CHECK ((status = 'LEFT') = (left_at IS NOT NULL)),
  CONSTRAINT guide_left_after_joined CHECK (left_at IS NULL OR left_at >= joined_at)
);
CREATE INDEX guide_store_list ON stores.guide (store_id, name, id);
-- WeCom userids are case-insensitive: one per brand's corp, whatever the case.
CREATE UNIQUE INDEX guide_brand_wecom_key ON stores.guide (brand_id, lower(wecom_user_id));
