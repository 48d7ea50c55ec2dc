// Stories: the brand's stories in the range, the most widely spread first (/v1/stories?sort=spread), each with its
// site timeline on demand (/v1/stories/:id): where it appeared first and how it travelled.
import { getJson } from '../api-client.js';
import type { Story, StoryDetail } from '../api-types.js';
import { emptyNote, fill, h, outLink } from '../dom.js';
import { count, dateTime, percent } from '../format.js';
import { boundInstant } from '../time-range.js';
import type { View, ViewContext } from '../view.js';

function storyItem(story: Story, context: ViewContext): HTMLLIElement {
  const timelineId = `timeline-${story.id}`;
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': timelineId }, 'Show site timeline');
  const timeline = h('div', { id: timelineId, hidden: true });
  toggle.addEventListener('click', async () => {
    const open = toggle.getAttribute('aria-expanded') === 'true';
    toggle.setAttribute('aria-expanded', String(!open));
    toggle.textContent = open ? 'Show site timeline' : 'Hide site timeline';
    timeline.hidden = open;
    if (open || timeline.childElementCount > 0) return;
    fill(timeline, h('p', { class: 'loading' }, 'Loading the timeline…'));
    try {
      const detail = (await getJson<{ data: StoryDetail }>(`/v1/stories/${encodeURIComponent(story.id)}`)).data;
      fill(
        timeline,
        h(
          'ol',
          { class: 'timeline', 'aria-label': `Sites in the order they carried “${story.title ?? story.id}”` },
          ...detail.timeline.map((site) =>
            h('li', {}, h('time', { datetime: site.first_seen_at }, dateTime(site.first_seen_at, context.timeZone)), ' — ', outLink(site.first_url, site.site), ` (${count(site.mentions)} mention${site.mentions === 1 ? '' : 's'})`),
          ),
        ),
      );
    } catch (error) {
      timeline.replaceChildren();
      context.fail(error);
    }
  });
  return h(
    'li',
    { class: 'story', 'data-id': story.id },
    h('h3', {}, story.title ?? '(untitled story)'),
    h(
      'ul',
      { class: 'figures', 'aria-label': 'Figures' },
      h('li', {}, 'Sites: ', h('strong', {}, count(story.sites))),
      h('li', {}, 'New sites in its last 6 h: ', h('strong', {}, count(story.sites_last_6h))),
      h('li', {}, 'Mentions: ', h('strong', {}, count(story.mentions))),
      h('li', {}, 'Authors: ', h('strong', {}, count(story.authors))),
      h('li', {}, 'Negative: ', h('strong', {}, percent(story.negative_share))),
    ),
    h(
      'div',
      { class: 'meta' },
      h('span', {}, `first on ${story.first_site ?? '?'} at ${dateTime(story.first_seen_at, context.timeZone)}`),
      h('span', {}, `latest ${dateTime(story.last_seen_at, context.timeZone)}`),
      h('span', {}, story.open ? 'still open' : 'closed'),
    ),
    h('div', { class: 'actions' }, toggle),
    timeline,
  );
}

export const storiesView: View = {
  title: 'Stories',
  async render(context: ViewContext) {
    const query = {
      brand: context.brand.id,
      since: boundInstant(context.range.since, context.timeZone),
      until: boundInstant(context.range.until, context.timeZone),
      sort: 'spread',
      limit: 20,
    };
    const first = await getJson<{ data: Story[]; next_cursor: string | null }>('/v1/stories', query);
    if (!context.isCurrent()) return;
    const list = h('ol', { class: 'story-list', id: 'story-list', 'aria-label': 'Stories, the most widely spread first' }, ...first.data.map((story) => storyItem(story, context)));
    const more = h('button', { type: 'button', class: 'secondary more', hidden: first.next_cursor === null }, 'More stories');
    let cursor = first.next_cursor;
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const page = await getJson<{ data: Story[]; next_cursor: string | null }>('/v1/stories', { ...query, cursor });
        for (const story of page.data) list.append(storyItem(story, context));
        cursor = page.next_cursor;
        more.hidden = cursor === null;
      } catch (error) {
        context.fail(error);
      } finally {
        more.disabled = false;
      }
    });
    fill(
      context.main,
      h(
        'section',
        { id: 'stories', 'aria-labelledby': 'view-title' },
        h('h2', { id: 'view-title' }, `Stories — ${context.brand.name}`),
        h('p', { class: 'period' }, `Stories with mentions in ${context.range.label.toLowerCase()} (${context.timeZone}), the most widely spread first.`),
        first.data.length === 0 ? emptyNote('No story in this range.') : list,
        more,
      ),
    );
  },
};
