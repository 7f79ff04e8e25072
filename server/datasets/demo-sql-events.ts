/**
 * SQL for the demo event tables (transfers, calls, travel): a hashed background plus the
 * planted story rows of demo-story.ts. Runs after worldStatements() in the same connection.
 * Pure: these functions only return SQL text.
 */
import { CITIES, TRANSFER_REFERENCES } from './demo-lists.js';
import { PLANTED, RING_TRIPS } from './demo-story.js';
import { FRENCH_MONTHS_SQL, type DemoSizes } from './demo-sql-world.js';
import { sqlList } from './sql-values.js';

const CITY_URN = CITIES.reduce((s, c) => s + c.weight, 0);
/** Round sums just under the 10,000 EUR reporting threshold. */
const ROUND_AMOUNTS = sqlList([9500, 9600, 9800, 9900, 9900, 9950]);
/** A second in 2025, from a day offset, an hour and seconds. */
const at2025 = (day: string, hour: string, second: string) =>
  `TIMESTAMP '2025-01-01' + to_seconds((${day}) * 86400 + (${hour}) * 3600 + (${second}))`;

/** `bank_transfers`: lognormal everyday amounts, plus the ring's structured payments. */
export function transfersSelect(sizes: DemoSizes): string {
  const ringAcc = (member: string) => `${sizes.accounts} + 1 + ${member}`;
  const company = `${sizes.accounts} + 9`;
  const popular = Math.max(1, Math.floor(sizes.accounts / 20));
  return `
    WITH draws AS (
      SELECT r.i AS k, 1 + pick(r.i, 'from', ${sizes.accounts}) AS fa,
        CASE WHEN rnd(r.i, 'popular') < 0.3 THEN 1 + pick(r.i, 'to', ${popular}) ELSE 1 + pick(r.i, 'to', ${sizes.accounts}) END AS ta,
        least(greatest(exp(ln(180) + 1.5 * sqrt(-2 * ln(1 - rnd(r.i, 'z1'))) * cos(2 * pi() * rnd(r.i, 'z2'))), 1), 2000000) AS x,
        rnd(r.i, 'round') AS rounding,
        ${at2025(`pick(r.i, 'day', 365)`, `CASE WHEN rnd(r.i, 'office') < 0.9 THEN 8 + pick(r.i, 'hour', 12) ELSE pick(r.i, 'hour', 24) END`, `pick(r.i, 'second', 3600)`)} AS executed_at,
        ${sqlList(TRANSFER_REFERENCES)}[1 + pick(r.i, 'ref', ${TRANSFER_REFERENCES.length})] AS ref,
        10000 + pick(r.i, 'invoice', 90000) AS invoice, rnd(r.i, 'usd') AS usd
      FROM range(1, ${sizes.transfers} + 1) r(i)
    ), background AS (
      SELECT d.k AS seq, f.account_id AS from_account, t.account_id AS to_account,
        CAST(CASE WHEN rounding < 0.03 THEN greatest(round(x, -2), 100)
                  WHEN rounding < 0.15 THEN greatest(round(x, -1), 10)
                  ELSE x END AS DECIMAL(14,2)) AS amount,
        CASE WHEN usd < 0.02 THEN 'USD' ELSE f.currency END AS currency,
        executed_at,
        CASE ref WHEN 'Loyer' THEN 'Loyer ' || ${FRENCH_MONTHS_SQL}[month(executed_at)]
                 WHEN 'Salaire' THEN 'Salaire ' || ${FRENCH_MONTHS_SQL}[month(executed_at)]
                 WHEN 'Facture' THEN 'Facture F' || invoice::VARCHAR
                 ELSE ref END AS reference
      FROM draws d JOIN d_accounts f ON f.account_idx = d.fa
      JOIN d_accounts t ON t.account_idx = CASE WHEN d.ta = d.fa THEN d.fa % ${sizes.accounts} + 1 ELSE d.ta END
    ), fees AS (
      -- The company pays each member a monthly "fee".
      SELECT ${sizes.transfers} + 1 + k AS seq, ${company} AS fa, ${ringAcc('k % 8')} AS ta, ${ROUND_AMOUNTS}[1 + pick(k, 'fee_amount', 6)] AS amount,
        make_timestamp(2025, k // 8 + 1, 3 + pick(k, 'fee_day', 5), 9 + pick(k, 'fee_hour', 8), pick(k, 'fee_minute', 60), 0) AS executed_at,
        'MARBEUF CONSEIL HONORAIRES ' || upper(${FRENCH_MONTHS_SQL}[k // 8 + 1]) AS reference
      FROM range(0, 96) r(k)
    ), after_trips AS (
      -- Money moves between members in the days after each meeting.
      SELECT ${sizes.transfers} + 1000 + k AS seq, ${ringAcc('a')} AS fa, ${ringAcc('(a + 1 + pick(k, \'trip_to\', 7)) % 8')} AS ta,
        ${ROUND_AMOUNTS}[1 + pick(k, 'trip_amount', 6)] AS amount,
        t.date + INTERVAL (1 + pick(k, 'trip_day', 3)) DAY + INTERVAL (8 + pick(k, 'trip_hour', 12)) HOUR
          + INTERVAL (pick(k, 'trip_minute', 60)) MINUTE AS executed_at,
        ${sqlList(['Prestation conseil', 'Avance sur frais', 'Remboursement', 'Conseil stratégique', 'Mission MBF'])}[1 + pick(k, 'trip_ref', 5)] AS reference
      FROM (SELECT k, pick(k, 'trip_from', 8) AS a FROM range(0, ${RING_TRIPS.length * PLANTED.transfersPerTrip}) r(k)) s
      JOIN d_ring_trips t ON t.trip = s.k // ${PLANTED.transfersPerTrip}
    ), invoices AS (
      -- Outside "clients" pay the company, always just under the threshold.
      SELECT ${sizes.transfers} + 2000 + k AS seq, 1 + pick(k, 'invoice_from', ${sizes.accounts}) AS fa, ${company} AS ta,
        9000 + 100 * pick(k, 'invoice_amount', 10) AS amount,
        ${at2025(`pick(k, 'invoice_day', 365)`, `9 + pick(k, 'invoice_hour', 9)`, `pick(k, 'invoice_second', 3600)`)} AS executed_at,
        'Facture MBF-2025-' || lpad((k + 1)::VARCHAR, 3, '0') AS reference
      FROM range(0, ${PLANTED.companyInvoices}) r(k)
    ), planted AS (
      SELECT p.seq, f.account_id AS from_account, t.account_id AS to_account, CAST(p.amount AS DECIMAL(14,2)) AS amount,
        'EUR' AS currency, p.executed_at::TIMESTAMP AS executed_at, p.reference
      FROM (SELECT * FROM fees UNION ALL SELECT * FROM after_trips UNION ALL SELECT * FROM invoices) p
      JOIN d_accounts f ON f.account_idx = p.fa JOIN d_accounts t ON t.account_idx = p.ta
    ), merged AS (
      SELECT * FROM background UNION ALL SELECT * FROM planted
    )
    SELECT row_number() OVER (ORDER BY executed_at, seq) AS transfer_id, * EXCLUDE (seq)
    FROM merged ORDER BY transfer_id`;
}

/** `phone_calls`: everyone calls a circle of contacts by day; the ring calls each other at night. */
export function callsSelect(sizes: DemoSizes): string {
  const n = sizes.persons;
  const tower = (pid: string, key: string) => `lpad(pick2(${pid}, ${key}, 'tower', 60)::VARCHAR, 3, '0')`;
  return `
    WITH seeds AS (
      -- Five million rows: four hashes per row, sliced into fields, instead of one per field.
      SELECT r.i AS k, mix(r.i, 'call_who') AS h1, mix(r.i, 'call_when') AS h2,
        mix(r.i, 'call_how') AS h3, mix(r.i, 'call_where') AS h4
      FROM range(1, ${sizes.calls} + 1) r(i)
    ), draws AS (
      -- Calls come day after day in row order (the day is not drawn), so ids grow with time
      -- and the files compress well, without sorting five million rows.
      SELECT k, 1 + bits(h1, 0, ${n}) AS a,
        CASE WHEN unit(h1, 20) < 0.8 THEN 1 + pick2(1 + bits(h1, 0, ${n}), bits(h1, 40, 15), 'contact', ${n})
             ELSE 1 + bits(h1, 44, ${n}) END AS b0,
        ${at2025(`(k - 1) * 365 // ${sizes.calls}`, `CASE WHEN unit(h2, 16) < 0.05 THEN bits(h2, 36, 24) ELSE 6 + floor(8 * (unit(h2, 44) + unit(h3, 12)))::INTEGER END`, `bits(h3, 0, 3600)`)} AS started_at,
        least(7200, 1 + floor(-150 * ln(1 - unit(h3, 32))))::INTEGER AS duration_s,
        unit(h4, 0) < 0.08 AS away, bits(h4, 20, ${CITY_URN}) AS away_slot, bits(h4, 40, 3) AS tower_key
      FROM seeds
    ), night AS (
      SELECT k AS seq, pick(k, 'ring_a', 8) AS a, (pick(k, 'ring_a', 8) + 1 + pick(k, 'ring_b', 7)) % 8 AS b,
        ${at2025(`pick(k, 'ring_day', 365)`, `CASE WHEN rnd(k, 'ring_night') < 0.75 THEN [23, 0, 1, 2, 3][1 + pick(k, 'ring_hour', 5)] ELSE 9 + pick(k, 'ring_hour', 11) END`, `pick(k, 'ring_second', 3600)`)} AS started_at,
        (20 + pick(k, 'ring_duration', 130))::INTEGER AS duration_s, NULL::VARCHAR AS place, pick(k, 'ring_tower', 3) AS tower_key
      FROM range(0, ${PLANTED.ringCalls}) r(k)
    ), meeting_days AS (
      -- On meeting days the members' phones ping the meeting city's towers.
      SELECT 10000 + tm.trip * 1000 + tm.idx * 10 + j AS seq, tm.idx AS a, (tm.idx + 1 + pick2(tm.trip * 8 + tm.idx, j, 'meet_b', 7)) % 8 AS b,
        tm.date + INTERVAL (12 + pick2(tm.trip * 8 + tm.idx, j, 'meet_hour', 12)) HOUR + INTERVAL (pick2(tm.trip * 8 + tm.idx, j, 'meet_min', 60)) MINUTE AS started_at,
        (30 + pick2(tm.trip * 8 + tm.idx, j, 'meet_duration', 300))::INTEGER AS duration_s, tm.code AS place, pick2(tm.trip, j, 'meet_tower', 3) AS tower_key
      FROM d_ring_trip_members tm, range(0, ${PLANTED.tripDayCalls}) j(j)
    ), placed AS (
      -- Each planted call takes over a background row of its own day (the first of that day is
      -- ceil(day × calls / 365) + 1), so its call_id looks like any other. The running max keeps
      -- the numbers distinct when, at tiny scales, a busy day spills into the next day's rows.
      SELECT *, g + max((day * ${sizes.calls} + 364) // 365 + 1 - g) OVER (ORDER BY day, seq ROWS UNBOUNDED PRECEDING) AS k
      FROM (SELECT *, row_number() OVER (ORDER BY day, seq) AS g
            FROM (SELECT *, date_diff('day', DATE '2025-01-01', started_at::DATE) AS day
                  FROM (SELECT * FROM night UNION ALL SELECT * FROM meeting_days)))
    ), planted AS (
      SELECT p.k, pa.phone_number AS caller, pb.phone_number AS callee, p.started_at::TIMESTAMP AS started_at, p.duration_s,
        coalesce(p.place, pa.city_code) || '-' || ${tower('ra.person_id', 'p.tower_key')} AS cell_tower
      FROM placed p
      JOIN d_ring ra ON ra.idx = p.a JOIN d_ring rb ON rb.idx = p.b
      JOIN d_persons pa ON pa.person_id = ra.person_id JOIN d_persons pb ON pb.person_id = rb.person_id
    ), background AS (
      SELECT d.k AS call_id, pa.phone_number AS caller, pb.phone_number AS callee, d.started_at, d.duration_s,
        CASE WHEN d.away THEN u.code ELSE pa.city_code END || '-' || ${tower('d.a', 'd.tower_key')} AS cell_tower
      FROM draws d JOIN d_persons pa ON pa.person_id = d.a
      JOIN d_persons pb ON pb.person_id = CASE WHEN d.b0 = d.a THEN d.a % ${n} + 1 ELSE d.b0 END
      JOIN d_city_urn u ON u.slot = d.away_slot
      WHERE d.k NOT IN (SELECT k FROM planted)
    ), merged AS (
      SELECT * FROM background UNION ALL SELECT k AS call_id, * EXCLUDE (k) FROM planted
    )
    SELECT *, strftime(started_at, '%Y-%m') AS "month" FROM merged`;
}

/** Which ring members travel to which meeting (those living in the meeting city stay home). */
export function tripMembersStatement(): string {
  return `CREATE OR REPLACE TEMP TABLE d_ring_trip_members AS
    SELECT t.trip, t.city, t.date, c.code, r.idx, r.person_id, r.city AS home
    FROM d_ring_trips t JOIN d_cities c ON c.city = t.city, d_ring r
    WHERE r.city <> t.city AND rnd(t.trip * 8 + r.idx, 'joins') < 0.8`;
}

/** `travel`: one-way legs between home and elsewhere, plus the ring's joint trips. */
export function travelSelect(sizes: DemoSizes): string {
  const mode = (key: string) => `CASE
      WHEN NOT pr.same_zone THEN CASE WHEN pr.both_ports AND pr.km < 1200 AND rnd(${key}, 'sea') < 0.25 THEN 'sea' ELSE 'air' END
      WHEN pr.km < 250 THEN CASE WHEN rnd(${key}, 'mode') < 0.6 THEN 'road' ELSE 'rail' END
      WHEN pr.km < 900 THEN CASE WHEN rnd(${key}, 'mode') < 0.55 THEN 'rail' WHEN rnd(${key}, 'mode') < 0.75 THEN 'road' ELSE 'air' END
      WHEN pr.km < 1500 AND rnd(${key}, 'mode') < 0.1 THEN 'rail'
      ELSE 'air' END`;
  return `
    WITH draws AS (
      SELECT r.i AS k, p.person_id, p.city AS home, hc.ord AS home_ord, u.city AS drawn,
        rnd(r.i, 'outbound') < 0.5 AS outbound, DATE '2025-01-01' + pick(r.i, 'day', 365)::INTEGER AS departed_on
      FROM range(1, ${sizes.travel} + 1) r(i)
      JOIN d_persons p ON p.person_id = 1 + pick(r.i, 'traveller', ${sizes.persons})
      JOIN d_cities hc ON hc.city = p.city
      JOIN d_city_urn u ON u.slot = pick(r.i, 'destination', ${CITY_URN})
    ), legs AS (
      SELECT d.k, d.person_id, d.departed_on, d.outbound, d.home,
        CASE WHEN d.drawn <> d.home THEN d.drawn ELSE o.city END AS other
      FROM draws d JOIN d_cities o ON o.ord = (d.home_ord + 1 + pick(d.k, 'elsewhere', ${CITIES.length - 1})) % ${CITIES.length}
    ), background AS (
      SELECT l.person_id, pr.from_city, pr.to_city, l.departed_on, ${mode('l.k')} AS mode, l.k AS key
      FROM legs l JOIN d_pairs pr
        ON pr.from_city = CASE WHEN l.outbound THEN l.home ELSE l.other END
       AND pr.to_city = CASE WHEN l.outbound THEN l.other ELSE l.home END
    ), planted AS (
      -- Everyone going to a meeting takes the same carrier, out on the day and back two days later.
      SELECT tm.person_id, pr.from_city, pr.to_city,
        CASE WHEN back THEN tm.date + 2 ELSE tm.date END AS departed_on,
        CASE WHEN NOT pr.same_zone OR pr.km > 600 THEN 'air' ELSE 'rail' END AS mode, -1 - tm.trip AS key
      FROM d_ring_trip_members tm CROSS JOIN (VALUES (false), (true)) b(back)
      JOIN d_pairs pr ON pr.from_city = CASE WHEN back THEN tm.city ELSE tm.home END
                     AND pr.to_city = CASE WHEN back THEN tm.home ELSE tm.city END
    )
    SELECT l.person_id, l.from_city, l.to_city, l.departed_on, l.mode,
      c.list[1 + pick(l.key, 'carrier', len(c.list))] AS carrier
    FROM (SELECT * FROM background UNION ALL SELECT * FROM planted) l
    JOIN d_carriers c ON c.mode = l.mode
    ORDER BY l.departed_on, l.person_id, l.from_city`;
}
