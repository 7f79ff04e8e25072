/**
 * SQL that builds the demo world inside a scratch DuckDB connection: random helpers, the small
 * constant tables, and the `d_persons` / `d_accounts` temp tables every event table draws on.
 * Pure: these functions only return SQL text.
 *
 * Randomness comes from hashing (row number, salt), never `random()`: a row's values depend only
 * on its number, so the output is the same on every run and with any number of threads.
 */
import { quoteString } from '../../core/sql/identifiers.js';
import { BANKS, CARRIERS, CITIES, DIAL_CODES, NAME_GROUPS, NATIONALITIES } from './demo-lists.js';
import { RING, RING_ACCOUNTS, RING_TRIPS, ringPersonIds } from './demo-story.js';
import { sqlList, valuesTable } from './sql-values.js';

/** Row counts of the background (not planted) rows. */
export interface DemoSizes {
  persons: number;
  accounts: number;
  transfers: number;
  calls: number;
  travel: number;
}

const FULL: DemoSizes = { persons: 50_000, accounts: 60_000, transfers: 1_000_000, calls: 5_000_000, travel: 500_000 };
const MINIMUM: DemoSizes = { persons: 200, accounts: 240, transfers: 2_000, calls: 10_000, travel: 2_000 };

/** Row counts for a scale (1 = full size). Small scales keep a floor so the story still holds. */
export function demoSizes(scale: number): DemoSizes {
  // Above 10, call ids (see callsSelect) would run out of room.
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`demo data scale must be in (0, 10], got ${scale}`);
  const size = (k: keyof DemoSizes) => Math.max(MINIMUM[k], Math.round(FULL[k] * scale));
  return { persons: size('persons'), accounts: size('accounts'), transfers: size('transfers'), calls: size('calls'), travel: size('travel') };
}

/** French month names, 1-based in SQL lists. */
export const FRENCH_MONTHS_SQL = sqlList(['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre']);

/** Helpers: `rnd` uniform in [0,1), `pick` integer in [0,n), `iban` a fictional account number. */
function macros(): string[] {
  return [
    // hash(i, salt) alone is not enough: for one i, two salts give values whose high bits are
    // strongly correlated (measured r = 0.62). Hashing the result again decorrelates them.
    `CREATE OR REPLACE TEMP MACRO mix(i, salt) AS hash(hash(i, salt))`,
    `CREATE OR REPLACE TEMP MACRO rnd(i, salt) AS (mix(i, salt) >> 11)::DOUBLE / 9007199254740992.0`,
    `CREATE OR REPLACE TEMP MACRO pick(i, salt, n) AS (mix(i, salt) % n)::BIGINT`,
    `CREATE OR REPLACE TEMP MACRO pick2(i, j, salt, n) AS (hash(hash(i, j, salt)) % n)::BIGINT`,
    // Slices of one 64-bit hash, for the big tables: an integer in [0,n) and a 20-bit uniform.
    `CREATE OR REPLACE TEMP MACRO bits(h, shift, n) AS ((h >> shift) % n)::BIGINT`,
    `CREATE OR REPLACE TEMP MACRO unit(h, shift) AS ((h >> shift) & 1048575)::DOUBLE / 1048576.0`,
    // The 11-digit account number is (idx × a + b) mod 10^11 with a prime to 10, a bijection:
    // every IBAN is unique.
    `CREATE OR REPLACE TEMP MACRO iban(country, bank_code, idx) AS
       CASE WHEN country = 'FR'
         THEN 'FR76' || bank_code || lpad(pick(idx, 'branch', 100000)::VARCHAR, 5, '0')
              || lpad(((idx::BIGINT * 27182818283 + 31415926535) % 100000000000)::VARCHAR, 11, '0') || lpad(pick(idx, 'key', 97)::VARCHAR, 2, '0')
         ELSE country || lpad((10 + pick(idx, 'check', 90))::VARCHAR, 2, '0') || bank_code
              || lpad(((idx::BIGINT * 27182818283 + 31415926535) % 100000000000)::VARCHAR, 11, '0')
       END`,
  ];
}

/** Weighted urn: each row repeated `weight` times, numbered 0… in a fixed order. */
function urn(table: string, source: string, columns: string): string {
  return `CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT (row_number() OVER (ORDER BY ord, k) - 1)::INTEGER AS slot, ${columns}
    FROM (SELECT *, unnest(range(weight)) AS k FROM ${source})`;
}

function constantTables(sizes: DemoSizes): string[] {
  const cities = CITIES.map((c, i) => [i, c.city, c.code, c.country, c.lat, c.lon, c.weight, c.port, c.zone ?? 'europe'] as const);
  const nats = NATIONALITIES.map((n, i) => [i, n.code, n.group, n.weight] as const);
  const names = Object.entries(NAME_GROUPS).flatMap(([grp, pools]) => [
    ...pools.first.map((name, idx) => [grp, 'first', idx, name] as const),
    ...pools.last.map((name, idx) => [grp, 'last', idx, name] as const),
  ]);
  const banks = BANKS.map((b, i) => [i, b.bank, b.country, b.code, b.weight, b.currency] as const);
  const dials = Object.entries(DIAL_CODES);
  const ids = ringPersonIds(sizes.persons);
  const ring = RING.map((m) => [m.index, ids[m.index]!, m.firstName, m.lastName, m.birthYear, m.nationality, m.city] as const);
  const trips = RING_TRIPS.map((t) => [t.trip, t.city, t.date] as const);
  const ringAccounts = RING_ACCOUNTS.map((a) => [a.index, ids[a.holder]!, a.bank, a.opened] as const);
  const carriers = Object.entries(CARRIERS).map(([mode, list]) => [mode, JSON.stringify(list)] as const);
  return [
    `CREATE OR REPLACE TEMP TABLE d_cities AS SELECT * FROM ${valuesTable('c', ['ord', 'city', 'code', 'country', 'lat', 'lon', 'weight', 'port', 'zone'], cities)}`,
    urn('d_city_urn', 'd_cities', 'city, code, country'),
    `CREATE OR REPLACE TEMP TABLE d_nats AS SELECT * FROM ${valuesTable('n', ['ord', 'code', 'grp', 'weight'], nats)}`,
    urn('d_nat_urn', 'd_nats', 'code, grp'),
    `CREATE OR REPLACE TEMP TABLE d_names AS SELECT * FROM ${valuesTable('n', ['grp', 'kind', 'idx', 'name'], names)}`,
    `CREATE OR REPLACE TEMP TABLE d_name_counts AS SELECT grp, kind, count(*)::INTEGER AS n FROM d_names GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE d_banks AS SELECT * FROM ${valuesTable('b', ['ord', 'bank', 'country', 'code', 'weight', 'currency'], banks)}`,
    urn('d_bank_urn', 'd_banks', 'bank, country, code, currency'),
    `CREATE OR REPLACE TEMP TABLE d_dial AS SELECT * FROM ${valuesTable('d', ['country', 'dial'], dials)}`,
    `CREATE OR REPLACE TEMP TABLE d_ring AS SELECT * FROM ${valuesTable('r', ['idx', 'person_id', 'first_name', 'last_name', 'birth_year', 'nationality', 'city'], ring)}`,
    `CREATE OR REPLACE TEMP TABLE d_ring_trips AS SELECT trip, city, date::DATE AS date FROM ${valuesTable('t', ['trip', 'city', 'date'], trips)}`,
    `CREATE OR REPLACE TEMP TABLE d_ring_accounts AS SELECT idx, holder, bank, opened::DATE AS opened FROM ${valuesTable('a', ['idx', 'holder', 'bank', 'opened'], ringAccounts)}`,
    `CREATE OR REPLACE TEMP TABLE d_carriers AS SELECT mode, json::VARCHAR[] AS list FROM ${valuesTable('c', ['mode', 'json'], carriers)}`,
    // Great-circle distance between every pair of cities, for the travel mode.
    `CREATE OR REPLACE TEMP TABLE d_pairs AS
      SELECT a.city AS from_city, b.city AS to_city, a.zone = b.zone AS same_zone, a.port AND b.port AS both_ports,
        2 * 6371 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
          + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS km
      FROM d_cities a, d_cities b WHERE a.city <> b.city`,
  ];
}

function personsTable(sizes: DemoSizes): string {
  const cityUrn = CITIES.reduce((s, c) => s + c.weight, 0);
  const natUrn = NATIONALITIES.reduce((s, n) => s + n.weight, 0);
  const natCodes = NATIONALITIES.map((n) => quoteString(n.code)).join(', ');
  return `CREATE OR REPLACE TEMP TABLE d_persons AS
    WITH placed AS (
      SELECT r.i::INTEGER AS person_id, coalesce(ring.city, u.city) AS city
      FROM range(1, ${sizes.persons} + 1) r(i)
      JOIN d_city_urn u ON u.slot = pick(r.i, 'city', ${cityUrn})
      LEFT JOIN d_ring ring ON ring.person_id = r.i
    ), located AS (
      SELECT p.person_id, p.city, c.code, c.country,
        CASE WHEN c.country IN (${natCodes}) AND c.country <> 'FR' AND rnd(p.person_id, 'local') < 0.7
          THEN c.country ELSE n.code END AS nationality
      FROM placed p JOIN d_cities c ON c.city = p.city
      JOIN d_nat_urn n ON n.slot = pick(p.person_id, 'nat', ${natUrn})
    ), grouped AS (
      SELECT l.*, CASE WHEN rnd(l.person_id, 'group') < 0.8 THEN own.grp ELSE other.grp END AS grp
      FROM located l JOIN d_nats own ON own.code = l.nationality
      JOIN d_nat_urn other ON other.slot = pick(l.person_id, 'other_group', ${natUrn})
    ), indexed AS (
      SELECT g.*, pick(g.person_id, 'first', fc.n) AS first_idx, pick(g.person_id, 'last', sc.n) AS last_idx
      FROM grouped g
      JOIN d_name_counts fc ON fc.grp = g.grp AND fc.kind = 'first'
      JOIN d_name_counts sc ON sc.grp = g.grp AND sc.kind = 'last'
    ), named AS (
      SELECT i.*, f.name AS first_name, s.name AS last_name
      FROM indexed i
      JOIN d_names f ON f.grp = i.grp AND f.kind = 'first' AND f.idx = i.first_idx
      JOIN d_names s ON s.grp = i.grp AND s.kind = 'last' AND s.idx = i.last_idx
    ), numbered AS (
      -- (person_id × a + b) mod 10^8 with a prime to 10 is a bijection: no two people share a number.
      SELECT n.*, lpad(((n.person_id::BIGINT * 39916801 + 23456789) % 100000000)::VARCHAR, 8, '0') AS digits, d.dial
      FROM named n JOIN d_dial d ON d.country = n.country
    )
    SELECT n.person_id,
      coalesce(ring.first_name, n.first_name) AS first_name,
      coalesce(ring.last_name, n.last_name) AS last_name,
      coalesce(ring.birth_year, 1945 + floor((rnd(n.person_id, 'born1') + rnd(n.person_id, 'born2')) / 2 * 61))::INTEGER AS birth_year,
      coalesce(ring.nationality, n.nationality) AS nationality,
      n.city,
      CASE WHEN n.country = 'FR'
        THEN '+33 ' || (6 + pick(n.person_id, 'mobile', 2))::VARCHAR || ' ' || substr(digits, 1, 2) || ' ' || substr(digits, 3, 2)
             || ' ' || substr(digits, 5, 2) || ' ' || substr(digits, 7, 2)
        ELSE n.dial || ' ' || (1 + pick(n.person_id, 'lead', 9))::VARCHAR || digits
      END AS phone_number,
      n.code AS city_code, n.country AS home_country
    FROM numbered n LEFT JOIN d_ring ring ON ring.person_id = n.person_id
    ORDER BY n.person_id`;
}

function accountsTable(sizes: DemoSizes): string {
  const bankUrn = BANKS.reduce((s, b) => s + b.weight, 0);
  const openedSpan = Math.round((Date.UTC(2025, 5, 30) - Date.UTC(1995, 0, 1)) / 86_400_000);
  return `CREATE OR REPLACE TEMP TABLE d_accounts AS
    WITH held AS (
      SELECT r.i AS idx, CASE WHEN r.i <= ${sizes.persons} THEN r.i ELSE 1 + pick(r.i, 'holder', ${sizes.persons}) END AS holder
      FROM range(1, ${sizes.accounts} + 1) r(i)
    ), banked AS (
      -- Most people abroad bank locally; in France the urn is already French-heavy.
      SELECT h.idx, h.holder,
        CASE WHEN local.bank IS NOT NULL AND rnd(h.idx, 'local_bank') < 0.6 THEN local.bank ELSE u.bank END AS bank
      FROM held h JOIN d_persons p ON p.person_id = h.holder
      JOIN d_bank_urn u ON u.slot = pick(h.idx, 'bank', ${bankUrn})
      LEFT JOIN d_banks local ON local.country = p.home_country AND p.home_country <> 'FR'
    ), background AS (
      SELECT r.idx, r.holder, r.bank,
        DATE '1995-01-01' + pick(r.idx, 'opened', ${openedSpan})::INTEGER AS opened,
        CASE WHEN bk.currency = 'CHF' AND rnd(r.idx, 'ccy') < 0.3 THEN 'EUR'
             WHEN bk.currency = 'AED' AND rnd(r.idx, 'ccy') < 0.3 THEN 'USD'
             ELSE bk.currency END AS currency
      FROM banked r JOIN d_banks bk ON bk.bank = r.bank
    ), planted AS (
      SELECT ${sizes.accounts} + 1 + a.idx AS idx, a.holder, a.bank, a.opened, 'EUR' AS currency
      FROM d_ring_accounts a
    ), all_accounts AS (
      SELECT * FROM background UNION ALL SELECT * FROM planted
    )
    SELECT a.idx AS account_idx, iban(bk.country, bk.code, a.idx) AS account_id, a.holder::INTEGER AS holder_person_id,
      a.bank, a.opened, a.currency
    FROM all_accounts a JOIN d_banks bk ON bk.bank = a.bank
    ORDER BY a.idx`;
}

/** Statements that prepare the scratch connection: helpers, constants, persons, accounts. */
export function worldStatements(sizes: DemoSizes): string[] {
  return [...macros(), ...constantTables(sizes), personsTable(sizes), accountsTable(sizes)];
}

/** The published `cities` table. */
export const CITIES_SELECT = `SELECT city, code, country, lat::DOUBLE AS lat, lon::DOUBLE AS lon FROM d_cities ORDER BY ord`;
/** The published `persons` table (internal helper columns dropped). */
export const PERSONS_SELECT = `SELECT * EXCLUDE (city_code, home_country) FROM d_persons ORDER BY person_id`;
/** The published `accounts` table. */
export const ACCOUNTS_SELECT = `SELECT account_id, holder_person_id, bank, opened, currency FROM d_accounts ORDER BY account_idx`;
