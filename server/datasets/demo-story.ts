/**
 * The fictional story planted in the demo data, so that the example notebooks find something:
 * eight people around a consultancy, "Société Marbeuf Conseil", who call each other at night,
 * move money in round amounts just under 10,000 EUR between accounts opened together in
 * Switzerland and Luxembourg, and travel to the same city on the same days.
 * Every name here is invented. Pure data and pure functions.
 */

export const COMPANY = 'Société Marbeuf Conseil';

export interface RingMember {
  /** 0-based index inside the ring. */
  index: number;
  firstName: string;
  lastName: string;
  birthYear: number;
  nationality: string;
  city: string;
}

export const RING: readonly RingMember[] = [
  { index: 0, firstName: 'Victor', lastName: 'Lambert', birthYear: 1968, nationality: 'FR', city: 'Paris' },
  { index: 1, firstName: 'Nadia', lastName: 'Belkacem', birthYear: 1979, nationality: 'FR', city: 'Paris' },
  { index: 2, firstName: 'Julien', lastName: 'Roche', birthYear: 1975, nationality: 'FR', city: 'Lyon' },
  { index: 3, firstName: 'Sofía', lastName: 'Márquez', birthYear: 1982, nationality: 'ES', city: 'Nice' },
  { index: 4, firstName: 'Karim', lastName: 'Haddad', birthYear: 1971, nationality: 'FR', city: 'Marseille' },
  { index: 5, firstName: 'Claire', lastName: 'Dumont', birthYear: 1985, nationality: 'BE', city: 'Lille' },
  { index: 6, firstName: 'Matthias', lastName: 'Keller', birthYear: 1966, nationality: 'CH', city: 'Geneva' },
  { index: 7, firstName: 'Elena', lastName: 'Rossi', birthYear: 1988, nationality: 'IT', city: 'Nice' },
];

/** Where the ring meets, and when (all in 2025). Members living in the city stay home. */
export const RING_TRIPS: readonly { trip: number; city: string; date: string }[] = [
  { trip: 0, city: 'Geneva', date: '2025-02-14' },
  { trip: 1, city: 'Luxembourg', date: '2025-03-21' },
  { trip: 2, city: 'Dubai', date: '2025-05-09' },
  { trip: 3, city: 'Geneva', date: '2025-06-20' },
  { trip: 4, city: 'Monaco', date: '2025-09-12' },
  { trip: 5, city: 'Luxembourg', date: '2025-10-24' },
  { trip: 6, city: 'Dubai', date: '2025-11-28' },
];

/**
 * The ring's side accounts, opened within three weeks of each other. Index 8 is the company's
 * account, held by its manager (member 0).
 */
export const RING_ACCOUNTS: readonly { index: number; holder: number; bank: string; opened: string }[] = [
  { index: 0, holder: 0, bank: 'Léman Fiduciaire', opened: '2024-02-05' },
  { index: 1, holder: 1, bank: 'Banque Alzette Privée', opened: '2024-02-07' },
  { index: 2, holder: 2, bank: 'Léman Fiduciaire', opened: '2024-02-08' },
  { index: 3, holder: 3, bank: 'Banque Alzette Privée', opened: '2024-02-12' },
  { index: 4, holder: 4, bank: 'Léman Fiduciaire', opened: '2024-02-13' },
  { index: 5, holder: 5, bank: 'Banque Alzette Privée', opened: '2024-02-19' },
  { index: 6, holder: 6, bank: 'Léman Fiduciaire', opened: '2024-02-21' },
  { index: 7, holder: 7, bank: 'Banque Alzette Privée', opened: '2024-02-23' },
  { index: 8, holder: 0, bank: 'Banque des Deux Rives', opened: '2023-11-06' },
];

/** Spread over the id range so the members look like anyone else. */
const RING_POSITIONS = [0.071, 0.187, 0.283, 0.412, 0.534, 0.659, 0.778, 0.906];

/** person_id of each ring member for a population of `persons` people (≥ 100). */
export function ringPersonIds(persons: number): number[] {
  return RING_POSITIONS.map((f) => 1 + Math.floor(f * persons));
}

/** Planted row counts; fixed at every scale so the story stands out the same way. */
export const PLANTED = {
  /** Night calls between members. */
  ringCalls: 1500,
  /** Calls per travelling member on a meeting day, placed at the meeting city's towers. */
  tripDayCalls: 6,
  /** Member-to-member transfers after each meeting. */
  transfersPerTrip: 12,
  /** Invoices paid into the company account by outside accounts. */
  companyInvoices: 80,
} as const;
