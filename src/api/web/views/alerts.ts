// Alerts: the brand's open and recent alerts (active at any time in the range) with each rule's figures, the sample
// mentions that explained it and what each channel was told; admins acknowledge with a comment and add or end
// silences. A read key gets no such control at all.
import { getJson, sendJson } from '../api-client.js';
import type { Alert, RuleView, Silence } from '../api-types.js';
import { emptyNote, fill, h, outLink } from '../dom.js';
import { count, dateTime, percent, sentimentBadge, statusBadge } from '../format.js';
import { boundInstant } from '../time-range.js';
import { isAdmin, type View, type ViewContext } from '../view.js';

const SILENCE_HOURS = [1, 4, 24, 24 * 7];

function figures(rule: RuleView): HTMLElement | null {
  const counts = rule.latest?.counts;
  if (counts === undefined) return null;
  const items: Array<[string, string]> = [];
  // A keyword rule's sentence counts the matching mentions: show that figure first, and the brand's whole volume
  // under a name that cannot be mistaken for it.
  if (counts.matching != null) items.push(['Matching', count(counts.matching)]);
  if (counts.mentions != null) items.push([counts.matching != null ? 'All mentions' : 'Mentions', count(counts.mentions)]);
  if (counts.negative != null) items.push(['Negative', count(counts.negative)]);
  if (counts.negative_share != null) items.push(['Negative share', percent(counts.negative_share)]);
  if (counts.usual_negative_share != null) items.push(['Usual negative share', percent(counts.usual_negative_share)]);
  if (counts.ratio != null) items.push(['Against usual', `×${Number(counts.ratio).toFixed(1)}`]);
  if (counts.sites != null) items.push(['Sites', count(counts.sites)]);
  if (counts.authors != null) items.push(['Authors', count(counts.authors)]);
  return h('ul', { class: 'figures', 'aria-label': 'Figures' }, ...items.map(([label, value]) => h('li', {}, `${label}: `, h('strong', {}, value))));
}

function ackForm(alert: Alert, context: ViewContext, done: (updated: Alert) => void, cancel: () => void): HTMLFormElement {
  const id = `ack-comment-${alert.id}`;
  const comment = h('textarea', { id, rows: 2, maxlength: 2000, placeholder: 'e.g. statement going out at 10:00' });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Acknowledge this alert' },
    h('label', { for: id }, 'Comment (optional): what is being done'),
    comment,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Acknowledge alert'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = comment.value.trim();
    try {
      const answer = await sendJson<{ data: Alert }>('POST', `/v1/alerts/${encodeURIComponent(alert.id)}/ack`, text === '' ? {} : { comment: text });
      if (answer !== null) done(answer.data);
      context.say('Alert acknowledged: no more reminders will be sent.');
    } catch (error) {
      context.fail(error);
    }
  });
  return form;
}

function silenceForm(alert: Alert, context: ViewContext, done: () => void, cancel: () => void): HTMLFormElement {
  const scopeId = `silence-scope-${alert.id}`;
  const hoursId = `silence-hours-${alert.id}`;
  const commentId = `silence-comment-${alert.id}`;
  const ruleIds = [...new Set(alert.rules.map((rule) => rule.rule_id))];
  const scope = h(
    'select',
    { id: scopeId },
    h('option', { value: '' }, `every rule for ${alert.brand_id}`),
    ...ruleIds.map((ruleId) => h('option', { value: ruleId }, `rule ${ruleId} for ${alert.brand_id}`)),
  );
  const hours = h('select', { id: hoursId }, ...SILENCE_HOURS.map((value) => h('option', { value }, value < 24 ? `${value} h` : `${value / 24} d`)));
  const comment = h('textarea', { id: commentId, rows: 2, maxlength: 2000, required: true, placeholder: 'why, e.g. planned maintenance' });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Silence notifications' },
    h('label', { for: scopeId }, 'Silence'),
    scope,
    h('label', { for: hoursId }, 'For'),
    hours,
    h('label', { for: commentId }, 'Comment (required)'),
    comment,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add silence'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await sendJson('POST', '/v1/silences', {
        brand: alert.brand_id,
        ...(scope.value === '' ? {} : { rule: scope.value }),
        ends_at: new Date(Date.now() + Number(hours.value) * 3_600_000).toISOString(),
        comment: comment.value.trim(),
      });
      context.say('Silence added: matching alerts are still recorded, but not sent.');
      done();
    } catch (error) {
      context.fail(error);
    }
  });
  return form;
}

/** Each card's renderer, so a live update redraws the card in place (an open form in it stays as typed). */
const cardRenderers = new WeakMap<Element, (alert: Alert) => void>();
/** Reloads the silences panel of the view on screen. */
let reloadSilences: () => void = () => undefined;

function alertCard(alert: Alert, context: ViewContext): HTMLLIElement {
  const item = h('li', { class: `alert ${alert.status}`, 'data-id': alert.id });
  const body = h('div', {});
  const actions = h('div', { class: 'actions' });
  const formSlot = h('div', {});
  item.append(body, actions, formSlot);
  const render = (current: Alert) => {
    item.className = `alert ${current.status}`;
    actions.replaceChildren();
    if (isAdmin(context.key)) {
      if (current.acked_at === null) {
        const ack = h('button', { type: 'button', class: 'secondary', 'data-action': 'ack' }, 'Acknowledge…');
        ack.addEventListener('click', () => {
          fill(
            formSlot,
            ackForm(
              current,
              context,
              (updated) => {
                fill(formSlot);
                render({ ...updated, samples: updated.samples ?? current.samples });
              },
              () => fill(formSlot),
            ),
          );
          formSlot.querySelector('textarea')?.focus();
        });
        actions.append(ack);
      }
      const silence = h('button', { type: 'button', class: 'secondary', 'data-action': 'silence' }, 'Silence…');
      silence.addEventListener('click', () => {
        fill(formSlot, silenceForm(current, context, () => (fill(formSlot), reloadSilences()), () => fill(formSlot)));
        formSlot.querySelector('select')?.focus();
      });
      actions.append(silence);
    }
    const brandName = context.brands.find((brand) => brand.id === current.brand_id)?.name ?? current.brand_id;
    fill(
      body,
      h('h3', {}, statusBadge(current.status), ` ${brandName}: ${current.rules.map((rule) => rule.latest?.summary ?? rule.rule_id).join('; ')}`),
      h(
        'div',
        { class: 'meta' },
        h('span', {}, `since ${dateTime(current.started_at, context.timeZone)}`),
        h('span', {}, `opened ${dateTime(current.opened_at, context.timeZone)}`),
        current.resolved_at === null ? null : h('span', {}, `resolved ${dateTime(current.resolved_at, context.timeZone)}`),
        h('span', {}, `id ${current.id}`),
      ),
      current.acked_at === null
        ? null
        : h('p', { class: 'ack-note' }, `Acknowledged by ${current.acked_by ?? 'someone'} at ${dateTime(current.acked_at, context.timeZone)}${current.ack_comment === null ? '' : `: “${current.ack_comment}”`}`),
      ...current.rules.map((rule) =>
        h(
          'div',
          { class: 'rule' },
          h('p', {}, h('strong', {}, rule.rule_id), ` (${rule.rule_type}) `, statusBadge(rule.status), rule.inhibited_by === null ? '' : ` — covered by ${rule.inhibited_by}`),
          rule.peak !== null && rule.peak.summary !== rule.latest?.summary ? h('p', { class: 'hint' }, `At its peak: ${rule.peak.summary}`) : null,
          figures(rule),
        ),
      ),
      current.samples === undefined || current.samples.length === 0
        ? null
        : h(
            'div',
            {},
            h('h4', {}, 'Sample mentions'),
            h(
              'ul',
              { class: 'samples' },
              ...current.samples.map((sample) =>
                h('li', {}, outLink(sample.url, sample.title ?? sample.url ?? sample.mention_id), ' ', sample.sentiment === undefined ? null : sentimentBadge(sample.sentiment), sample.snippet === undefined ? null : h('p', {}, sample.snippet)),
              ),
            ),
          ),
      current.notifications.length === 0
        ? null
        : h(
            'p',
            { class: 'hint' },
            'Told: ',
            current.notifications.map((notice) => `${notice.channel_id} ${notice.kind} — ${notice.status}${notice.last_error === null ? '' : ` (${notice.last_error})`}`).join('; '),
          ),
    );
  };
  cardRenderers.set(item, render);
  render(alert);
  return item;
}

async function silencesPanel(context: ViewContext, panel: HTMLElement): Promise<void> {
  const silences = (await getJson<{ data: Silence[] }>('/v1/silences')).data.filter((silence) => silence.brand_id === null || silence.brand_id === context.brand.id);
  if (!context.isCurrent()) return;
  const reload = () => void silencesPanel(context, panel).catch(context.fail);
  fill(
    panel,
    h('h3', {}, 'Silences'),
    silences.length === 0
      ? emptyNote('No silence is running or planned for this brand.')
      : h(
          'ul',
          { class: 'silences' },
          ...silences.map((silence) => {
            const end = h('button', { type: 'button', class: 'secondary' }, 'End now');
            end.addEventListener('click', async () => {
              try {
                await sendJson('DELETE', `/v1/silences/${encodeURIComponent(silence.id)}`);
                context.say('Silence ended.');
                reload();
              } catch (error) {
                context.fail(error);
              }
            });
            return h(
              'li',
              {},
              `${silence.rule_id === null ? 'Every rule' : `Rule ${silence.rule_id}`} for ${silence.brand_id ?? 'every brand'}, ${silence.active ? '' : `from ${dateTime(silence.starts_at, context.timeZone)} `}until ${dateTime(silence.ends_at, context.timeZone)} by ${silence.created_by}: “${silence.comment}” `,
              isAdmin(context.key) ? end : null,
            );
          }),
        ),
  );
}

export const alertsView: View = {
  title: 'Alerts',
  async render(context: ViewContext) {
    const page = await getJson<{ data: Alert[] }>('/v1/alerts', { brand: context.brand.id, since: boundInstant(context.range.since, context.timeZone), limit: 20 });
    // Each alert's samples are in its own document.
    const detailed = await Promise.all(page.data.map(async (alert) => (await getJson<{ data: Alert }>(`/v1/alerts/${encodeURIComponent(alert.id)}`)).data));
    if (!context.isCurrent()) return;
    const silences = h('div', { class: 'panel', id: 'silences' });
    const list = h('ol', { class: 'alert-list', id: 'alert-list', 'aria-label': 'Alerts, newest first' });
    reloadSilences = () => void silencesPanel(context, silences).catch(context.fail);
    for (const alert of detailed) list.append(alertCard(alert, context));
    fill(
      context.main,
      h(
        'section',
        { id: 'alerts', 'aria-labelledby': 'view-title' },
        h('h2', { id: 'view-title' }, `Alerts — ${context.brand.name}`),
        h('p', { class: 'period' }, `Open alerts and those active during ${context.range.label.toLowerCase()} (${context.timeZone}).`),
        detailed.length === 0 ? emptyNote('No alert was open in this range.') : list,
        silences,
      ),
    );
    await silencesPanel(context, silences);
  },
  onAlert(alert, context) {
    if (alert.brand_id !== context.brand.id) return;
    const list = document.getElementById('alert-list');
    // The first alert of the range: the view shows it with everything around it.
    if (list === null) return context.refresh();
    const existing = list.querySelector(`[data-id="${CSS.escape(alert.id)}"]`);
    const redraw = existing === null ? undefined : cardRenderers.get(existing);
    if (redraw !== undefined) redraw(alert);
    else list.prepend(alertCard(alert, context));
    context.say(`Alert ${alert.status === 'firing' ? 'firing' : 'resolved'}: ${alert.rules.map((rule) => rule.latest?.summary ?? rule.rule_id).join('; ')}`);
  },
};
