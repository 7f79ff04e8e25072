/**
 * The people in the notebook as avatars (initials on their colour) in the top bar. A click on
 * someone follows them: your view scrolls to the cell they are in, until you scroll yourself
 * or click again. A click on your own avatar changes the name you picked (without accounts).
 */
import type { Awareness } from 'y-protocols/awareness';
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { initials } from '../notebook/presence.js';
import { distinctPeople, peopleFrom, type Person } from './people.js';

export interface PresenceBarOptions {
  awareness: Awareness;
  /** Starts (clientId) or stops (null) following. */
  onFollow(clientId: number | null): void;
  /** The local person clicked their own avatar. */
  onSelf(): void;
}

export class PresenceBar {
  readonly element: HTMLElement;
  private following: number | null = null;
  /** What was last drawn: cursor moves change awareness often, the avatars rarely. */
  private drawn = '';
  private readonly render = () => this.renderNow();

  constructor(private readonly options: PresenceBarOptions) {
    this.element = h('div', { class: 'presence-bar', role: 'list', 'aria-label': t('presence.people'), 'data-testid': 'presence-bar' });
    options.awareness.on('change', this.render);
    this.renderNow();
  }

  /** Shows who is followed (the follow controller calls this, also when following stops). */
  setFollowing(clientId: number | null): void {
    this.following = clientId;
    this.renderNow();
  }

  people(): Person[] {
    return peopleFrom(this.options.awareness.getStates(), this.options.awareness.clientID);
  }

  destroy(): void {
    this.options.awareness.off('change', this.render);
  }

  private renderNow(): void {
    const everyone = distinctPeople(this.people());
    const signature = JSON.stringify([this.following, everyone.map((p) => [p.clientId, p.name, p.color, p.self])]);
    if (signature === this.drawn) return;
    this.drawn = signature;
    const shown = everyone.slice(0, 8);
    const avatars = shown.map((p) => this.avatar(p));
    const more = everyone.length - shown.length;
    replaceChildren(this.element, avatars, more > 0 ? h('span', { class: 'avatar more', title: everyone.slice(8).map((p) => p.name).join(', ') }, `+${more}`) : null);
    const others = everyone.filter((p) => !p.self).length;
    this.element.title = others === 0 ? t('presence.alone') : others === 1 ? t('notebook.oneOther') : t('notebook.others', { count: others });
  }

  private avatar(p: Person): HTMLElement {
    const followed = this.following === p.clientId;
    const label = p.self ? t('presence.you', { name: p.name }) : followed ? t('presence.stopFollowing', { name: p.name }) : t('presence.follow', { name: p.name });
    const b = h(
      'button',
      {
        type: 'button',
        class: `avatar${p.self ? ' self' : ''}${followed ? ' followed' : ''}`,
        role: 'listitem',
        title: label,
        'aria-label': label,
        'aria-pressed': p.self ? null : String(followed),
        'data-testid': p.self ? 'avatar-self' : 'avatar',
        'data-name': p.name,
        style: `--person:${p.color}`,
      },
      initials(p.name),
    );
    b.addEventListener('click', () => {
      if (p.self) this.options.onSelf();
      else this.options.onFollow(followed ? null : p.clientId);
    });
    return b;
  }
}
