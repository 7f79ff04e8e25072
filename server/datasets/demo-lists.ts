/**
 * Fixed vocabularies of the fictional demo world: cities (real places, with coordinates for
 * maps), name pools, fictional banks and carriers. Pure data; demo-sql.ts turns it into SQL.
 */

export interface DemoCity {
  city: string;
  /** Three-letter code, also the prefix of the city's cell towers ("LYS-014"). */
  code: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lon: number;
  /** Relative share of the population living there. */
  weight: number;
  port: boolean;
  /** Land mass: travel between zones is by air or sea only. Default: continental Europe. */
  zone?: 'corsica' | 'africa' | 'gulf' | 'america';
}

/** Forty-three cities, French and European heavy. Coordinates of the city centre. */
export const CITIES: readonly DemoCity[] = [
  { city: 'Paris', code: 'PAR', country: 'FR', lat: 48.857, lon: 2.352, weight: 40, port: false },
  { city: 'Lyon', code: 'LYS', country: 'FR', lat: 45.764, lon: 4.836, weight: 12, port: false },
  { city: 'Marseille', code: 'MRS', country: 'FR', lat: 43.296, lon: 5.37, weight: 12, port: true },
  { city: 'Toulouse', code: 'TLS', country: 'FR', lat: 43.605, lon: 1.444, weight: 8, port: false },
  { city: 'Nice', code: 'NCE', country: 'FR', lat: 43.71, lon: 7.262, weight: 6, port: true },
  { city: 'Nantes', code: 'NTE', country: 'FR', lat: 47.218, lon: -1.554, weight: 6, port: false },
  { city: 'Strasbourg', code: 'SXB', country: 'FR', lat: 48.573, lon: 7.752, weight: 5, port: false },
  { city: 'Montpellier', code: 'MPL', country: 'FR', lat: 43.611, lon: 3.877, weight: 5, port: false },
  { city: 'Bordeaux', code: 'BOD', country: 'FR', lat: 44.838, lon: -0.579, weight: 5, port: false },
  { city: 'Lille', code: 'LIL', country: 'FR', lat: 50.629, lon: 3.057, weight: 5, port: false },
  { city: 'Rennes', code: 'RNS', country: 'FR', lat: 48.117, lon: -1.678, weight: 4, port: false },
  { city: 'Grenoble', code: 'GNB', country: 'FR', lat: 45.188, lon: 5.724, weight: 3, port: false },
  { city: 'Reims', code: 'RHE', country: 'FR', lat: 49.258, lon: 4.032, weight: 2, port: false },
  { city: 'Le Havre', code: 'LEH', country: 'FR', lat: 49.494, lon: 0.108, weight: 2, port: true },
  { city: 'Dijon', code: 'DIJ', country: 'FR', lat: 47.322, lon: 5.041, weight: 2, port: false },
  { city: 'Ajaccio', code: 'AJA', country: 'FR', lat: 41.919, lon: 8.738, weight: 1, port: true, zone: 'corsica' },
  { city: 'Brussels', code: 'BRU', country: 'BE', lat: 50.85, lon: 4.352, weight: 3, port: false },
  { city: 'Antwerp', code: 'ANR', country: 'BE', lat: 51.219, lon: 4.402, weight: 1, port: true },
  { city: 'Geneva', code: 'GVA', country: 'CH', lat: 46.204, lon: 6.143, weight: 2, port: false },
  { city: 'Zurich', code: 'ZRH', country: 'CH', lat: 47.377, lon: 8.541, weight: 1, port: false },
  { city: 'Luxembourg', code: 'LUX', country: 'LU', lat: 49.612, lon: 6.13, weight: 1, port: false },
  { city: 'London', code: 'LON', country: 'GB', lat: 51.507, lon: -0.128, weight: 3, port: true },
  { city: 'Manchester', code: 'MAN', country: 'GB', lat: 53.481, lon: -2.243, weight: 1, port: false },
  { city: 'Berlin', code: 'BER', country: 'DE', lat: 52.52, lon: 13.405, weight: 2, port: false },
  { city: 'Munich', code: 'MUC', country: 'DE', lat: 48.137, lon: 11.575, weight: 1, port: false },
  { city: 'Frankfurt', code: 'FRA', country: 'DE', lat: 50.11, lon: 8.682, weight: 1, port: false },
  { city: 'Amsterdam', code: 'AMS', country: 'NL', lat: 52.368, lon: 4.904, weight: 1, port: true },
  { city: 'Rotterdam', code: 'RTM', country: 'NL', lat: 51.924, lon: 4.478, weight: 1, port: true },
  { city: 'Madrid', code: 'MAD', country: 'ES', lat: 40.417, lon: -3.704, weight: 2, port: false },
  { city: 'Barcelona', code: 'BCN', country: 'ES', lat: 41.385, lon: 2.173, weight: 2, port: true },
  { city: 'Lisbon', code: 'LIS', country: 'PT', lat: 38.722, lon: -9.139, weight: 2, port: true },
  { city: 'Porto', code: 'OPO', country: 'PT', lat: 41.158, lon: -8.629, weight: 1, port: true },
  { city: 'Rome', code: 'ROM', country: 'IT', lat: 41.903, lon: 12.496, weight: 2, port: false },
  { city: 'Milan', code: 'MIL', country: 'IT', lat: 45.464, lon: 9.19, weight: 2, port: false },
  { city: 'Monaco', code: 'MCM', country: 'MC', lat: 43.738, lon: 7.425, weight: 1, port: true },
  { city: 'Vienna', code: 'VIE', country: 'AT', lat: 48.208, lon: 16.373, weight: 1, port: false },
  { city: 'Casablanca', code: 'CAS', country: 'MA', lat: 33.573, lon: -7.59, weight: 2, port: true, zone: 'africa' },
  { city: 'Algiers', code: 'ALG', country: 'DZ', lat: 36.754, lon: 3.059, weight: 2, port: true, zone: 'africa' },
  { city: 'Tunis', code: 'TUN', country: 'TN', lat: 36.806, lon: 10.181, weight: 1, port: true, zone: 'africa' },
  { city: 'Istanbul', code: 'IST', country: 'TR', lat: 41.008, lon: 28.978, weight: 1, port: true },
  { city: 'Dubai', code: 'DXB', country: 'AE', lat: 25.205, lon: 55.271, weight: 1, port: true, zone: 'gulf' },
  { city: 'New York', code: 'NYC', country: 'US', lat: 40.713, lon: -74.006, weight: 1, port: true, zone: 'america' },
  { city: 'Montreal', code: 'YMQ', country: 'CA', lat: 45.502, lon: -73.567, weight: 1, port: false, zone: 'america' },
];

/** Name pools by cultural group; a person's nationality picks a group most of the time. */
export const NAME_GROUPS: Readonly<Record<string, { first: readonly string[]; last: readonly string[] }>> = {
  french: {
    first: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Julie', 'Emma', 'Louise', 'Claire',
      'Hugo', 'Lucas', 'Thomas', 'Nicolas', 'Julien', 'Antoine', 'Maxime', 'Pierre', 'Louis', 'Mathieu'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy',
      'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Fournier', 'Girard', 'Bonnet', 'Dupont',
      'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Faure', 'Garnier'],
  },
  iberian: {
    first: ['Lucía', 'María', 'Carmen', 'Sofía', 'Inês', 'Beatriz', 'Ana', 'Javier', 'Carlos', 'Miguel',
      'Pablo', 'João', 'Diego', 'Tiago', 'Alejandro'],
    last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez',
      'Silva', 'Santos', 'Ferreira', 'Pereira', 'Costa', 'Oliveira', 'Gomes'],
  },
  italian: {
    first: ['Giulia', 'Francesca', 'Chiara', 'Alessia', 'Marco', 'Luca', 'Matteo', 'Giuseppe', 'Andrea', 'Lorenzo'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino',
      'Greco', 'Conti', 'De Luca'],
  },
  germanic: {
    first: ['Anna', 'Lena', 'Hannah', 'Marie', 'Sophie', 'Lukas', 'Jonas', 'Felix', 'Maximilian', 'Jan', 'Daan', 'Sem'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann',
      'Keller', 'Huber', 'De Jong', 'Jansen', 'Peeters', 'Janssens'],
  },
  british: {
    first: ['Olivia', 'Amelia', 'Isla', 'Emily', 'Jack', 'Oliver', 'Harry', 'George', 'James', 'William'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Walker', 'Clarke', 'Wright'],
  },
  arabic: {
    first: ['Yasmine', 'Amina', 'Fatima', 'Salma', 'Nour', 'Leïla', 'Mohamed', 'Youssef', 'Karim', 'Mehdi',
      'Omar', 'Rayan', 'Bilal', 'Samir'],
    last: ['Benali', 'Haddad', 'Belkacem', 'Bouzid', 'Mansouri', 'Saidi', 'El Amrani', 'Cherif', 'Khelifi',
      'Ben Salah', 'Trabelsi', 'Amrani', 'Bensaïd', 'Toumi'],
  },
  turkish: {
    first: ['Elif', 'Zeynep', 'Mehmet', 'Emre', 'Burak'],
    last: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik'],
  },
};

/** Nationalities (ISO alpha-2) with skewed frequencies and the name group they usually carry. */
export const NATIONALITIES: readonly { code: string; weight: number; group: string }[] = [
  { code: 'FR', weight: 620, group: 'french' },
  { code: 'BE', weight: 40, group: 'french' },
  { code: 'CH', weight: 30, group: 'germanic' },
  { code: 'DE', weight: 30, group: 'germanic' },
  { code: 'IT', weight: 40, group: 'italian' },
  { code: 'ES', weight: 40, group: 'iberian' },
  { code: 'PT', weight: 40, group: 'iberian' },
  { code: 'GB', weight: 20, group: 'british' },
  { code: 'NL', weight: 10, group: 'germanic' },
  { code: 'LU', weight: 8, group: 'french' },
  { code: 'MA', weight: 45, group: 'arabic' },
  { code: 'DZ', weight: 45, group: 'arabic' },
  { code: 'TN', weight: 20, group: 'arabic' },
  { code: 'TR', weight: 12, group: 'turkish' },
  { code: 'US', weight: 8, group: 'british' },
  { code: 'AE', weight: 4, group: 'arabic' },
];

/** International dialling prefix per country of residence. */
export const DIAL_CODES: Readonly<Record<string, string>> = {
  FR: '+33', BE: '+32', CH: '+41', LU: '+352', GB: '+44', DE: '+49', NL: '+31', ES: '+34', PT: '+351',
  IT: '+39', MC: '+377', AT: '+43', MA: '+212', DZ: '+213', TN: '+216', TR: '+90', AE: '+971', US: '+1', CA: '+1',
};

/** Fictional banks. `code` is a five-digit bank code used in the fictional IBANs. */
export const BANKS: readonly { bank: string; country: string; code: string; weight: number; currency: string }[] = [
  { bank: 'Banque Lumière', country: 'FR', code: '30210', weight: 30, currency: 'EUR' },
  { bank: 'Crédit Horizon', country: 'FR', code: '17820', weight: 25, currency: 'EUR' },
  { bank: 'Caisse du Rhône', country: 'FR', code: '14460', weight: 15, currency: 'EUR' },
  { bank: 'Banque des Deux Rives', country: 'FR', code: '12930', weight: 10, currency: 'EUR' },
  { bank: 'Banque Ardenne', country: 'BE', code: '06350', weight: 4, currency: 'EUR' },
  { bank: 'Banco Aurora', country: 'ES', code: '21070', weight: 4, currency: 'EUR' },
  { bank: 'Nordhafen Bank', country: 'DE', code: '50120', weight: 4, currency: 'EUR' },
  { bank: 'Thames & Calder', country: 'GB', code: '40510', weight: 3, currency: 'GBP' },
  { bank: 'Léman Fiduciaire', country: 'CH', code: '08740', weight: 2, currency: 'CHF' },
  { bank: 'Banque Alzette Privée', country: 'LU', code: '01930', weight: 1, currency: 'EUR' },
  { bank: 'Gulf Meridian Bank', country: 'AE', code: '03320', weight: 1, currency: 'AED' },
  { bank: 'Atlantic Union Trust', country: 'US', code: '02610', weight: 1, currency: 'USD' },
];

/** Fictional carriers by travel mode. */
export const CARRIERS: Readonly<Record<'air' | 'rail' | 'road' | 'sea', readonly string[]>> = {
  air: ['Air Azur', 'EuroSky', 'Nordwind Air', 'Gulf Horizon Airways', 'Sol Ibérico'],
  rail: ['Rail Express', 'Ferrovia Alta', 'Nordbahn', 'TransAlpin'],
  road: ['Autocars Duval', 'Routes du Sud', 'private car', 'private car'],
  sea: ['Méditerranée Ferries', 'Nautilus Lines'],
};

/** Everyday transfer references (French banks, French wording). */
export const TRANSFER_REFERENCES: readonly string[] = [
  'Loyer', 'Salaire', 'Remboursement', 'Facture', 'Virement permanent', 'Participation frais',
  'Cadeau', 'Achat véhicule', 'Acompte travaux', 'Cotisation', 'Frais de scolarité', 'Vacances',
];
