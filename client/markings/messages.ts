/**
 * Strings of classification markings (the owner's "Change marking…" dialog), English and
 * French. Spread into client/i18n/en.ts and fr.ts so `t()` knows them.
 */
export const markingsEn = {
  'markings.change': 'Change marking…',
  'markings.changeTitle': 'Raise this notebook’s marking',
  'markings.dialogTitle': 'Marking of this notebook',
  'markings.loading': 'Loading the levels…',
  'markings.loadFailed': 'Could not read the levels: {message}',
  'markings.current': 'Current marking: {label}',
  'markings.raisedTo': 'You (or an administrator) raised it to {label}.',
  'markings.notRaised': 'Not raised: the marking follows the notebook and what its results read.',
  'markings.explain':
    'The marking is the highest of the level you choose here and what the notebook’s results read. It can’t go below what the results read: if a result is marked higher, the notebook keeps that marking. People not cleared for the marking can no longer open the notebook.',
  'markings.level': 'Level',
  'markings.compartments': 'Compartments',
  'markings.limit': 'Only the levels within your clearance are offered.',
  'markings.apply': 'Apply',
  'markings.remove': 'Remove the raise',
  'markings.saving': 'Saving…',
  'markings.saveFailed': 'Not changed: {message}',
  'markings.saved': 'Marking now {label}.',
} as const;

export type MarkingsMessageKey = keyof typeof markingsEn;

export const markingsFr: Record<MarkingsMessageKey, string> = {
  'markings.change': 'Changer la mention…',
  'markings.changeTitle': 'Relever la mention de ce carnet',
  'markings.dialogTitle': 'Mention de ce carnet',
  'markings.loading': 'Chargement des niveaux…',
  'markings.loadFailed': 'Impossible de lire les niveaux : {message}',
  'markings.current': 'Mention actuelle : {label}',
  'markings.raisedTo': 'Vous (ou un administrateur) l’avez relevée à {label}.',
  'markings.notRaised': 'Non relevée : la mention suit le carnet et ce que lisent ses résultats.',
  'markings.explain':
    'La mention est la plus haute entre le niveau choisi ici et ce que lisent les résultats du carnet. Elle ne peut pas descendre sous ce que lisent les résultats : si un résultat porte une mention plus haute, le carnet la garde. Les personnes non habilitées à cette mention ne peuvent plus ouvrir le carnet.',
  'markings.level': 'Niveau',
  'markings.compartments': 'Compartiments',
  'markings.limit': 'Seuls les niveaux couverts par votre habilitation sont proposés.',
  'markings.apply': 'Appliquer',
  'markings.remove': 'Retirer le relèvement',
  'markings.saving': 'Enregistrement…',
  'markings.saveFailed': 'Non modifiée : {message}',
  'markings.saved': 'Mention désormais {label}.',
};
