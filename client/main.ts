/** Entry point: styles, language, theme, then the router mounts a view per path. */
import './styles/base.css';
import './styles/shell.css';
import './styles/home.css';
import './styles/notebook.css';
import './styles/results.css';
import './styles/datasets.css';
import { initLang } from './i18n/index.js';
import { initTheme } from './theme.js';
import { mountShell } from './shell.js';

initLang();
initTheme(() => {});
mountShell(document.getElementById('app')!);
