export { BriefingView } from './briefing-view.js';
export { briefingPath, optionsFromQuery } from './paths.js';
export { exportMenu, type ExportMenu } from './export-menu.js';
export { exportAndSave, saveBlob, type ExportOutcome } from './export-flow.js';
export { exportFile, fetchBriefingHtml, confirmationFrom, filenameFrom, ConfirmationNeeded, EXPORT_FORMATS, type BriefingOptions, type ExportFormat, type ExportedFile } from './api.js';
export { deckFromBriefing, type Slide, type SlideDeck } from './slides.js';
export { present, type Presentation } from './presentation.js';
export { briefingEn, briefingFr } from './messages.js';
