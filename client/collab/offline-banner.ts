/**
 * Makes a lost connection visible: a banner over the cells while offline (you can keep
 * working; changes are sent when the connection returns), and a short note when it returns.
 */
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import type { NotebookSession, SessionStatus } from '../notebook/session.js';
import { collabIcon } from './icons.js';

/** Shows the banner in `host` while `session` is offline; returns the function that stops it. */
export function offlineBanner(session: NotebookSession, host: HTMLElement, page: HTMLElement): () => void {
  const banner = h(
    'div',
    { class: 'offline-banner', role: 'status', hidden: true, 'data-testid': 'offline-banner' },
    collabIcon('offline', 16),
    h('span', null, h('strong', null, t('offline.title')), ' ', t('offline.body')),
  );
  host.prepend(banner);
  let wasOffline = false;
  const render = (status: SessionStatus) => {
    const offline = status === 'offline';
    banner.hidden = !offline;
    page.classList.toggle('is-offline', offline);
    if (offline) wasOffline = true;
    else if (status === 'live' && wasOffline) {
      wasOffline = false;
      toast(t('offline.back'));
    }
  };
  render(session.getStatus());
  const stop = session.onStatus(render);
  return () => {
    stop();
    banner.remove();
  };
}
