// One function per page: each fetches from /admin and returns the page's nodes.
import {api} from './api.js';
import {el, table, jsonBlock} from './dom.js';

const when = iso => iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';

export async function overview() {
  const {json: s} = await api('/admin/stats');
  const max = Math.max(1, ...s.perMinute.map(m => m.accepted + Object.values(m.rejected).reduce((a, b) => a + b, 0)));
  // Widths are set below through the CSSOM: a style attribute would be inline style, which the CSP refuses.
  const bar = (n, cls) => el('span', {class: 'bar ' + cls, 'data-width': n});
  const minutes = table('per-minute', ['minute (UTC)', 'accepted', 'rejected by reason', ''], s.perMinute.slice().reverse(),
    m => [when(m.minute), m.accepted,
      Object.entries(m.rejected).map(([r, n]) => r + ': ' + n).join(', ') || '0',
      el('span', {}, bar(m.accepted, 'accepted'), bar(Object.values(m.rejected).reduce((a, b) => a + b, 0), 'rejected'))]);
  minutes.querySelectorAll('.bar').forEach(b => { b.style.width = (200 * Number(b.dataset.width) / max) + 'px'; });
  const modules = table('modules', ['module', 'lag (records)', 'done', 'dead-lettered', 'webhook→action p50', 'p95', 'max', 'over'],
    s.modules, m => [m.module, m.lag ?? 'not reported', m.done, m.deadLettered,
      ...(m.latency ? [m.latency.p50Ms + ' ms', m.latency.p95Ms + ' ms', m.latency.maxMs + ' ms', m.latency.count + ' deliveries']
        : ['', '', '', 'no delivery yet'])]);
  return [
    el('h2', {}, 'Overview'),
    el('p', {}, 'Since this process started: ', el('strong', {id: 'total-accepted'}, String(s.totals.accepted)), ' accepted, ',
      el('strong', {id: 'total-rejected'}, String(Object.values(s.totals.rejected).reduce((a, b) => a + b, 0))), ' rejected',
      Object.keys(s.totals.rejected).length ? ' (' + Object.entries(s.totals.rejected).map(([r, n]) => r + ': ' + n).join(', ') + ')' : '',
      '.'),
    el('h3', {}, 'Deliveries per minute'), minutes,
    el('h3', {}, 'Modules'), modules,
    el('p', {class: 'note'}, 'Latency: from receipt at the gateway to the module\'s final outcome, over the deliveries this process has traced. ',
      'Counters are per process: Prometheus (/metrics) has the cluster-wide view.'),
  ];
}

export async function deliveries(params) {
  const q = params.get('q') || '';
  const {json} = await api('/admin/deliveries?limit=100' + (q ? '&q=' + encodeURIComponent(q) : ''));
  const trace = el('div', {id: 'trace-panel'});
  const show = async delivery => {
    const {status, json: t} = await api('/admin/deliveries/' + encodeURIComponent(delivery));
    trace.replaceChildren(el('h3', {}, 'Trace of ', el('code', {}, delivery)),
      status === 404 ? el('p', {}, t.message) : jsonBlock('trace', t));
  };
  const search = el('input', {id: 'delivery-search', type: 'search', value: q, placeholder: 'delivery id or owner/repo', size: 40});
  const form = el('form', {id: 'delivery-search-form', onsubmit: e => {
    e.preventDefault();
    location.hash = '#deliveries' + (search.value.trim() ? '?q=' + encodeURIComponent(search.value.trim()) : '');
  }}, search, el('button', {type: 'submit', id: 'delivery-search-button'}, 'Search'));
  const rows = table('deliveries', ['received (UTC)', 'delivery', 'forge', 'repository', 'event', 'sightings', 'outcomes'], json.deliveries,
    d => {
      const first = d.sightings[0] || {};
      return [when(first.receivedAt), el('code', {}, d.delivery), d.forge, d.repository,
        [first.event, first.action].filter(Boolean).join('.'), d.sightings.length,
        d.outcomes.map(o => el('span', {class: o.status}, o.module + ': ' + o.status + ' ')) ];
    },
    d => ({class: 'selectable delivery-row', 'data-delivery': d.delivery, onclick: () => show(d.delivery)}));
  // Refused deliveries never get a trace: the gateway's rejection log answers "the forge says it
  // delivered, Forgebus says nothing" (reason, source address; never the body or signature).
  const {json: refused} = await api('/admin/rejections?limit=50');
  const rejected = table('rejections', ['refused (UTC)', 'delivery', 'forge', 'event', 'status', 'reason', 'source'],
    refused.rejections.filter(r => !q || (r.delivery || '').includes(q)),
    r => [when(r.time), el('code', {}, r.delivery || ''), r.forge, r.event || '', r.status, r.reason, r.source]);
  return [el('h2', {}, 'Recent deliveries'), form, rows,
    json.count === 0 ? el('p', {class: 'note'}, 'No delivery matches.') : el('p', {class: 'note'}, 'Click a row for its full trace.'),
    trace, el('h3', {}, 'Recently refused by the gateway'), rejected];
}

export async function deadLetters() {
  const {json} = await api('/admin/dlq?limit=200');
  const result = el('div', {id: 'replay-panel'});
  const replay = async (letter, dryRun) => {
    const {json: r} = await api('/admin/dlq/replay', {method: 'POST', body: {module: letter.module, ids: [letter.id], dry_run: dryRun}});
    const items = dryRun ? r.replayed : r.replayed;
    result.replaceChildren(
      el('h3', {}, dryRun ? 'Replay preview of ' : 'Replayed ', el('code', {}, letter.id)),
      table(dryRun ? 'preview' : 'replayed', ['dead letter', 'module', 'delivery', 'event', 'to topic', 'replay count'], items,
        i => [i.deadLetterId, i.module, i.deliveryId, i.event, i.topic || '', i.replayCount]),
      r.skipped.length ? el('p', {id: 'replay-skipped'}, 'Not replayed: ', r.skipped.map(s => s.deadLetterId + ' (' + s.reason + ')').join('; ')) : '',
      r.notFound.length ? el('p', {class: 'error'}, 'Not found: ' + r.notFound.join(', ')) : '',
      dryRun && items.length
        ? el('button', {type: 'button', id: 'replay-confirm', onclick: () => replay(letter, false)}, 'Replay ' + items.length + ' now')
        : el('p', {id: 'replay-done', class: 'note'}, dryRun ? 'Nothing would be replayed.' : 'Sent back to its work topic.'));
  };
  const rows = table('dead-letters', ['dead-lettered (UTC)', 'id', 'module', 'delivery', 'event', 'error', 'attempts', 'replayed', ''],
    json.deadLetters, l => [when(l.deadLetteredAt), el('code', {}, l.id), l.module, l.deliveryId, l.event,
      (l.errorClass || '') + ': ' + (l.errorMessage || ''), l.attempts,
      l.replayed ? l.replayed.times + '× (last ' + when(l.replayed.lastAt) + ')' : 'no',
      el('button', {type: 'button', class: 'preview', 'data-id': l.id, onclick: () => replay(l, true)}, 'Preview replay')],
    l => ({'data-delivery': l.deliveryId, class: 'dead-letter-row'}));
  return [el('h2', {}, 'Dead letters'), el('p', {class: 'note'}, json.count + ' shown, newest last. Preview lists what a replay would send back; then replay it.'),
    rows, result];
}

export async function budgets() {
  const {json} = await api('/admin/budgets');
  return [el('h2', {}, 'Rate-limit budget per credential'),
    table('budgets', ['credential', 'remaining (forge says)', 'calls that waited', 'refused while paused', 'unbilled (304)'], json.credentials,
      c => [c.credential, c.remaining ?? 'not reported yet', c.waits, c.refusedWhilePaused, c.unbilled]),
    el('p', {class: 'note'}, 'Credential ids from the config; never a token. "Remaining" is the last x-ratelimit-remaining the forge sent.')];
}

export async function jobs() {
  const {status, json} = await api('/admin/jobs');
  if (status === 404) return [el('h2', {}, 'Scheduled jobs'), el('p', {}, 'This process has no job admin.')];
  const result = el('p', {id: 'job-result'});
  const run = async name => {
    const {json: r} = await api('/admin/jobs/' + encodeURIComponent(name) + '/run', {method: 'POST', body: {}});
    result.replaceChildren('Published ', el('code', {}, r.delivery), ' ', el('a', {href: '#deliveries?q=' + encodeURIComponent(r.delivery)}, 'trace'));
  };
  return [el('h2', {}, 'Scheduled jobs'),
    table('jobs', ['job', 'module', 'schedule', 'time zone', 'next fire (UTC)', ''], json.jobs,
      j => [j.name, j.module, j.schedule, j.time_zone, when(j.next_fire),
        el('button', {type: 'button', class: 'run-now', 'data-job': j.name, onclick: () => run(j.name)}, 'Run now')]),
    result];
}

export async function config(params) {
  const forge = params.get('forge') || '', owner = params.get('owner') || '', repo = params.get('repo') || '';
  const input = (id, value, placeholder) => el('input', {id, value, placeholder, size: 14});
  const f = input('config-forge', forge, 'forge id'), o = input('config-owner', owner, 'owner'), r = input('config-repo', repo, 'repository');
  const form = el('form', {id: 'config-form', onsubmit: e => {
    e.preventDefault();
    location.hash = '#config?' + new URLSearchParams({forge: f.value.trim(), owner: o.value.trim(), repo: r.value.trim()});
  }}, f, o, r, el('button', {type: 'submit', id: 'config-show'}, 'Show'));
  const out = [el('h2', {}, 'Effective config of a repository'), form];
  if (forge && owner && repo) {
    const {status, json} = await api('/admin/config/' + [forge, owner, repo].map(encodeURIComponent).join('/'));
    if (status === 404) {
      out.push(el('p', {}, json.message || 'not found'));
    } else {
      out.push(table('config-modules', ['module', 'enabled', 'from', 'settings (secrets redacted)'], json.modules,
        m => [m.module, m.enabled ? 'yes' : 'no', m.from, jsonBlock(null, m.settings)]));
      if (json.opsFileProblem) out.push(el('p', {class: 'error'}, '.ops.yaml not in force: ' + json.opsFileProblem));
    }
  }
  return out;
}
