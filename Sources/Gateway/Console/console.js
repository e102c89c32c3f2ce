// Interchange operator console. Plain JavaScript, no build step, no outside network: it talks only to the
// operator API of the gateway that served it (same origin), with the operator's bearer token.
//
// Deep links (URL fragment, read once and then removed from the address bar):
//   #token=TOKEN                         sign in with TOKEN (kept in sessionStorage for this tab)
//   #message=ID                          open the message page of ID
//   #message=ID&replay=DESTINATION       open it and press its "Replay" button for DESTINATION
//   #view=dead                           open the dead letters
// Parameters combine: #token=...&message=...&replay=sim.
'use strict';

(function () {
  const TOKEN_KEY = 'interchange.operatorToken';
  const PAGE = 50;
  const POLL_MS = 2000;
  const HISTORY = 90; // points kept per destination: three minutes at one poll every 2 s
  const COLOURS = ['#0b5cad', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#1098ad', '#5c940d', '#e67700', '#364fc7', '#495057'];

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    view: 'dashboard',
    logQuery: {}, logNext: null, logRows: 0,
    deadQuery: {}, deadNext: null,
    message: null,
    previous: null, series: {}, pollTimer: null, destinations: [],
  };

  const $ = (id) => document.getElementById(id);

  // Builds an element; text always goes through textContent, so nothing from the API is parsed as HTML.
  function el(tag, options, children) {
    const node = document.createElement(tag);
    const o = options || {};
    if (o.cls) node.className = o.cls;
    if (o.text !== undefined && o.text !== null) node.textContent = String(o.text);
    if (o.title) node.title = o.title;
    if (o.attrs) for (const [k, v] of Object.entries(o.attrs)) node.setAttribute(k, v);
    if (o.on) for (const [k, v] of Object.entries(o.on)) node.addEventListener(k, v);
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  function toast(text, bad) {
    const t = $('toast');
    t.textContent = text;
    t.className = 'toast' + (bad ? ' bad' : '');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.textContent = ''; }, 6000);
  }

  function problemText(problem, status) {
    if (!problem || typeof problem !== 'object') return 'HTTP ' + status;
    let text = (problem.title || ('HTTP ' + status)) + (problem.detail ? ': ' + problem.detail : '');
    if (Array.isArray(problem.problems) && problem.problems.length) {
      text += ' (' + problem.problems.map((p) => p.field + ': ' + p.message).join('; ') + ')';
    }
    return text;
  }

  async function api(path, options) {
    const o = options || {};
    const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    let body;
    if (o.json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(o.json); }
    const response = await fetch(path, { method: o.method || 'GET', headers, body, cache: 'no-store', credentials: 'omit' });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (response.status === 401) signOut('The gateway refused this token. Enter it again.');
    if (!response.ok) {
      const error = new Error(problemText(data, response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // --- formatting ---

  function time(iso) { return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '–'; }
  function age(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return seconds.toFixed(1) + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + Math.floor(seconds % 60) + ' s';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }
  function compact(value) {
    if (value === undefined || value === null) return '';
    const s = typeof value === 'string' ? value : JSON.stringify(value);
    return s === '{}' ? '' : s;
  }
  function eventClass(event) {
    switch (event) {
      case 'delivered': case 'stored': return 'badge ok';
      case 'rejected': case 'dead_lettered': case 'conflict': case 'failed': case 'dead': return 'badge bad';
      case 'retry_scheduled': case 'held': case 'duplicate': case 'pending': case 'half_open': case 'half-open': return 'badge warn';
      case 'replayed': case 'viewed': case 'routed': case 'attempt': case 'inflight': return 'badge info';
      case 'open': return 'badge bad';
      case 'closed': return 'badge ok';
      default: return 'badge';
    }
  }
  function badge(text) { return el('span', { cls: eventClass(text), text: text || '–' }); }
  function cell(text, cls, title) { return el('td', { cls, text, title }); }
  function messageLink(id) {
    if (!id) return cell('–');
    return el('td', {}, [el('button', { cls: 'link', text: id, attrs: { type: 'button', 'data-message': id, 'aria-label': 'Open message ' + id },
      on: { click: () => openMessage(id) } })]);
  }
  function emptyRow(tbody, columns, text) {
    tbody.appendChild(el('tr', {}, [el('td', { cls: 'empty', text, attrs: { colspan: String(columns) } })]));
  }

  // --- sign in ---

  function signIn(token) {
    state.token = token.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $('login').hidden = true;
    $('nav').hidden = false;
    $('sign-out').hidden = false;
    startPolling();
  }

  function signOut(reason) {
    state.token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    stopPolling();
    for (const view of document.querySelectorAll('.view')) view.hidden = true;
    $('nav').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = reason || '';
    $('token').value = '';
    $('token').focus();
  }

  // --- views ---

  function show(view) {
    state.view = view;
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + view;
    for (const tab of document.querySelectorAll('.tab')) {
      if (tab.dataset.view === view) tab.setAttribute('aria-current', 'page'); else tab.removeAttribute('aria-current');
    }
  }

  // --- statistics: counters, chart, destination health ---

  function startPolling() {
    stopPolling();
    poll();
    state.pollTimer = setInterval(poll, POLL_MS);
  }
  function stopPolling() { if (state.pollTimer) clearInterval(state.pollTimer); state.pollTimer = null; }

  async function poll() {
    let stats;
    try {
      stats = await api('/v1/stats');
    } catch (error) {
      $('live').textContent = 'stats unavailable';
      $('live').className = 'live off';
      return;
    }
    $('live').textContent = 'live · ' + time(stats.at);
    $('live').className = 'live on';
    const now = Date.parse(stats.at) || Date.now();
    for (const d of stats.destinations) {
      const series = state.series[d.destination] || (state.series[d.destination] = []);
      const before = state.previous && state.previous.byId[d.destination];
      let rate = 0;
      if (before && now > state.previous.at) rate = Math.max(0, (d.delivered - before.delivered) / ((now - state.previous.at) / 1000));
      if (state.previous) series.push({ at: now, rate });
      while (series.length > HISTORY) series.shift();
    }
    const byId = {};
    for (const d of stats.destinations) byId[d.destination] = d;
    state.previous = { at: now, byId };
    renderCounters(stats);
    renderHealth(stats.destinations);
    renderChart(stats.destinations.map((d) => d.destination));
    updateDestinationList(stats.destinations.map((d) => d.destination));
  }

  function renderCounters(stats) {
    const events = (stats.last_hour && stats.last_hour.by_event) || {};
    const sum = (name) => stats.destinations.reduce((n, d) => n + (d[name] || 0), 0);
    const tiles = [
      ['Stored', events.stored || 0, ''],
      ['Delivered', events.delivered || 0, ''],
      ['Rejected', events.rejected || 0, (events.rejected || 0) > 0 ? 'warn' : ''],
      ['Duplicates', events.duplicate || 0, ''],
      ['Retries scheduled', events.retry_scheduled || 0, (events.retry_scheduled || 0) > 0 ? 'warn' : ''],
      ['Dead-lettered', events.dead_lettered || 0, (events.dead_lettered || 0) > 0 ? 'bad' : ''],
      ['Waiting now', sum('pending') + sum('inflight'), ''],
      ['Dead letters now', sum('dead'), sum('dead') > 0 ? 'bad' : ''],
    ];
    const dl = $('counters');
    dl.replaceChildren(...tiles.map(([label, value, cls]) => el('div', { cls }, [el('dt', { text: label }), el('dd', { text: value.toLocaleString('en-US') })])));
  }

  function renderHealth(destinations) {
    const tbody = $('health').tBodies[0];
    tbody.replaceChildren();
    if (!destinations.length) { emptyRow(tbody, 9, 'No destinations configured'); return; }
    for (const d of destinations) {
      tbody.appendChild(el('tr', {}, [
        el('th', { text: d.destination, attrs: { scope: 'row' } }),
        el('td', {}, [badge(d.breaker || 'unknown')]),
        cell(d.pending, 'num'), cell(d.inflight, 'num'), cell(d.held, 'num'),
        cell(age(d.oldest_pending_age_seconds), 'num'),
        cell(d.dead, d.dead > 0 ? 'num bad' : 'num'), cell(d.delivered, 'num'), cell(d.active_requests, 'num'),
      ]));
    }
  }

  function colour(index) { return COLOURS[index % COLOURS.length]; }

  // Draws the per-destination delivery rates by hand: the canvas is sized in device pixels for a sharp line.
  function renderChart(ids) {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 640;
    const height = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 44, right = 10, top = 10, bottom = 24;
    const plotW = width - left - right, plotH = height - top - bottom;
    let max = 0;
    for (const id of ids) for (const p of state.series[id] || []) max = Math.max(max, p.rate);
    max = niceMax(max);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#5b6776';
    g.strokeStyle = '#e3e8ee';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      g.beginPath(); g.moveTo(left, Math.round(y) + 0.5); g.lineTo(left + plotW, Math.round(y) + 0.5); g.stroke();
      g.fillText(formatRate((max * i) / 4), left - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const span = (HISTORY - 1) * POLL_MS;
    const end = state.previous ? state.previous.at : Date.now();
    for (const seconds of [180, 120, 60, 0]) {
      const x = left + plotW - (seconds * 1000 / span) * plotW;
      if (x >= left - 1) g.fillText(seconds === 0 ? 'now' : '−' + seconds / 60 + ' min', x, top + plotH + 6);
    }
    ids.forEach((id, index) => {
      const series = state.series[id] || [];
      if (series.length < 1) return;
      g.strokeStyle = colour(index);
      g.lineWidth = 2;
      g.beginPath();
      series.forEach((p, i) => {
        const x = left + plotW - ((end - p.at) / span) * plotW;
        const y = top + plotH - (p.rate / max) * plotH;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
      // The newest point gets a dot, so a series of one point is visible too.
      const last = series[series.length - 1];
      g.fillStyle = colour(index);
      g.beginPath();
      g.arc(left + plotW - ((end - last.at) / span) * plotW, top + plotH - (last.rate / max) * plotH, 3, 0, 2 * Math.PI);
      g.fill();
    });
    if (ids.every((id) => (state.series[id] || []).length === 0)) {
      g.fillStyle = '#5b6776'; g.textAlign = 'center'; g.textBaseline = 'middle';
      g.fillText('collecting… (one point every 2 s)', left + plotW / 2, top + plotH / 2);
    }
    const legend = $('legend');
    legend.replaceChildren(...ids.map((id, index) => {
      const series = state.series[id] || [];
      const last = series.length ? series[series.length - 1].rate : 0;
      const swatch = el('span', { cls: 'swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.background = colour(index);
      return el('li', {}, [swatch, el('span', { text: id + ' ' + formatRate(last) + '/s' })]);
    }));
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }
  function formatRate(value) { return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2); }

  function updateDestinationList(ids) {
    if (ids.join(',') === state.destinations.join(',')) return;
    state.destinations = ids;
    $('destinations').replaceChildren(...ids.map((id) => el('option', { attrs: { value: id } })));
  }

  // --- routing log ---

  function formQuery(form) {
    const params = {};
    for (const [k, v] of new FormData(form)) if (String(v).trim()) params[k] = String(v).trim();
    return params;
  }

  async function loadLog(more) {
    $('log-error').textContent = '';
    const tbody = $('log-table').tBodies[0];
    const params = Object.assign({ limit: PAGE }, state.logQuery);
    if (more && state.logNext) params.cursor = state.logNext;
    let page;
    try {
      page = await api('/v1/log' + query(params));
    } catch (error) {
      $('log-error').textContent = error.message;
      return;
    }
    if (!more) { tbody.replaceChildren(); state.logRows = 0; }
    for (const entry of page.entries) {
      tbody.appendChild(el('tr', {}, [
        cell(entry.seq, 'num'), cell(time(entry.at), 'time'), el('td', {}, [badge(entry.event)]),
        cell(entry.type || '–'), cell(entry.sender || '–'), cell(entry.destination || '–'),
        messageLink(entry.message_id),
        cell(compact(entry.detail) + (entry.actor ? ' · by ' + entry.actor : ''), 'detail mono', compact(entry.detail)),
      ]));
    }
    state.logRows += page.entries.length;
    if (!state.logRows) emptyRow(tbody, 8, 'No log entries match');
    state.logNext = page.next || null;
    $('log-more').hidden = !state.logNext;
    $('log-count').textContent = state.logRows + ' entr' + (state.logRows === 1 ? 'y' : 'ies') + (state.logNext ? ' shown' : '');
  }

  // --- dead letters ---

  async function loadDead(more) {
    $('dead-error').textContent = '';
    const tbody = $('dead-table').tBodies[0];
    const params = Object.assign({ limit: PAGE, status: 'dead_lettered' }, state.deadQuery);
    if (more && state.deadNext) params.cursor = state.deadNext;
    let page;
    try {
      page = await api('/v1/log' + query(params));
    } catch (error) {
      $('dead-error').textContent = error.message;
      return;
    }
    if (!more) tbody.replaceChildren();
    for (const entry of page.entries) {
      const detail = entry.detail || {};
      const replay = el('button', { cls: 'small', text: 'Replay', attrs: { type: 'button', 'aria-label': 'Replay ' + entry.message_id + ' to ' + entry.destination } });
      replay.addEventListener('click', () => replayMessage(entry.message_id, entry.destination, replay));
      tbody.appendChild(el('tr', {}, [
        cell(entry.seq, 'num'), cell(time(entry.at), 'time'), cell(entry.type || '–'), cell(entry.sender || '–'),
        cell(entry.destination || '–'), messageLink(entry.message_id),
        cell(compact(detail.error || detail.reason || detail), 'detail mono', compact(detail)),
        el('td', {}, [entry.message_id ? replay : null]),
      ]));
    }
    if (!tbody.rows.length) emptyRow(tbody, 8, 'No dead letters match');
    state.deadNext = page.next || null;
    $('dead-more').hidden = !state.deadNext;
  }

  async function replayAllDead(button) {
    const body = {};
    for (const [k, v] of Object.entries(state.deadQuery)) if (k !== 'status') body[k] = v;
    button.disabled = true;
    try {
      const result = await api('/v1/dead-letters/replay', { method: 'POST', json: body });
      toast('Re-queued ' + result.replayed + ' dead letter' + (result.replayed === 1 ? '' : 's'));
      loadDead(false);
    } catch (error) {
      toast('Replay refused: ' + error.message, true);
    } finally {
      button.disabled = false;
    }
  }

  // --- one message ---

  async function openMessage(id) {
    show('message');
    $('message-id').textContent = id;
    $('message-error').textContent = '';
    $('message-body').hidden = true;
    $('message-body').textContent = '';
    state.message = id;
    try {
      const message = await api('/v1/messages/' + encodeURIComponent(id));
      renderMessage(message);
    } catch (error) {
      $('message-error').textContent = error.message;
      $('message-fields').replaceChildren();
      $('deliveries').tBodies[0].replaceChildren();
      $('timeline').tBodies[0].replaceChildren();
    }
    $('message-title').setAttribute('tabindex', '-1');
    $('message-title').focus();
  }

  function renderMessage(m) {
    const status = $('message-status');
    status.textContent = m.status;
    status.className = eventClass(m.status);
    const fields = [
      ['Type', m.type], ['Sender', m.sender], ['Key', m.key], ['Received', time(m.received_at) + ' UTC'],
      ['Correlation id', m.correlation_id], ['Content SHA-256', m.content_sha256],
    ];
    for (const k of m.business_keys || []) fields.push(['Key: ' + k.kind, k.value]);
    for (const [name, value] of Object.entries(m.attributes || {})) fields.push(['Attribute: ' + name, value]);
    if (m.masked) fields.push(['Personal data', 'masked for your role']);
    $('message-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { cls: 'mono', text: v })]));

    const deliveries = $('deliveries').tBodies[0];
    deliveries.replaceChildren();
    for (const d of m.deliveries || []) {
      const button = el('button', { cls: 'small', text: 'Replay', attrs: { type: 'button', 'data-replay': d.destination, 'aria-label': 'Replay to ' + d.destination } });
      button.addEventListener('click', () => replayMessage(m.id, d.destination, button));
      deliveries.appendChild(el('tr', {}, [
        el('th', { text: d.destination, attrs: { scope: 'row' } }), el('td', {}, [badge(d.status)]), cell(d.attempts, 'num'),
        cell(d.last_status === undefined ? '–' : d.last_status, 'num'),
        cell(time(d.delivered_at || d.next_attempt_at), 'time'), cell(d.external_ref || '–', 'mono'),
        cell(d.last_error || '', 'detail', d.last_error || ''), el('td', {}, [button]),
      ]));
    }
    if (!(m.deliveries || []).length) emptyRow(deliveries, 8, 'Routed nowhere');
    $('replay-all').hidden = !(m.deliveries || []).length;
    $('show-body').hidden = !!m.masked;

    const timeline = $('timeline').tBodies[0];
    timeline.replaceChildren(...(m.timeline || []).map((e) => el('tr', {}, [
      cell(e.seq, 'num'), cell(time(e.at), 'time'), el('td', {}, [badge(e.event)]), cell(e.destination || '–'),
      cell(e.actor || '–'), cell(compact(e.detail), 'detail mono', compact(e.detail)),
    ])));
    if (m.body !== undefined) {
      $('message-body').textContent = typeof m.body === 'string' ? m.body : JSON.stringify(m.body, null, 2);
      $('message-body').hidden = false;
    }
  }

  // The one replay path: buttons on the message page and the dead letters, and the #replay= deep link, all call it.
  async function replayMessage(id, destination, button) {
    if (button) button.disabled = true;
    try {
      const result = await api('/v1/messages/' + encodeURIComponent(id) + '/replay', { method: 'POST', json: destination ? { destination } : {} });
      const text = 'Re-queued ' + result.replayed + ' deliver' + (result.replayed === 1 ? 'y' : 'ies') + ' of ' + id + (destination ? ' to ' + destination : '');
      toast(text);
      document.body.dataset.lastReplay = JSON.stringify({ id, destination: destination || null, replayed: result.replayed });
      if (state.view === 'message' && state.message === id) setTimeout(() => openMessage(id), 1000);
    } catch (error) {
      toast(error.status === 403 ? 'Your role may not replay messages.' : 'Replay failed: ' + error.message, true);
      document.body.dataset.lastReplay = JSON.stringify({ id, destination: destination || null, error: error.message });
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function showBody() {
    try {
      const message = await api('/v1/messages/' + encodeURIComponent(state.message) + '?body=true');
      renderMessage(message);
    } catch (error) {
      toast(error.status === 403 ? 'Your role may not read bodies.' : error.message, true);
    }
  }

  // --- start ---

  function readFragment() {
    const raw = location.hash.replace(/^#/, '');
    if (!raw) return {};
    const params = {};
    for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
    // The token must not stay in the address bar, the history or a bookmark.
    history.replaceState(null, '', location.pathname + location.search);
    return params;
  }

  function wire() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value;
      if (!token.trim()) return;
      signIn(token);
      show('dashboard');
      loadLog(false);
    });
    $('sign-out').addEventListener('click', () => signOut(''));
    for (const tab of document.querySelectorAll('.tab')) {
      tab.addEventListener('click', () => {
        show(tab.dataset.view);
        if (tab.dataset.view === 'dead') loadDead(false);
      });
    }
    $('log-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      state.logQuery = formQuery(event.target);
      loadLog(false);
    });
    $('log-filters').addEventListener('reset', () => { state.logQuery = {}; setTimeout(() => loadLog(false), 0); });
    $('log-more').addEventListener('click', () => loadLog(true));
    $('dead-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      state.deadQuery = formQuery(event.target);
      loadDead(false);
    });
    $('dead-more').addEventListener('click', () => loadDead(true));
    $('dead-replay-all').addEventListener('click', (event) => replayAllDead(event.currentTarget));
    $('message-back').addEventListener('click', () => { show('dashboard'); loadLog(false); });
    $('replay-all').addEventListener('click', (event) => replayMessage(state.message, null, event.currentTarget));
    $('show-body').addEventListener('click', showBody);
    window.addEventListener('resize', () => renderChart(state.destinations));
  }

  async function start() {
    wire();
    const fragment = readFragment();
    if (fragment.token) state.token = fragment.token;
    if (!state.token) { signOut(''); return; }
    signIn(state.token);
    show(fragment.view === 'dead' ? 'dead' : 'dashboard');
    const loading = fragment.view === 'dead' ? loadDead(false) : loadLog(false);
    await loading;
    if (fragment.message) {
      await openMessage(fragment.message);
      if (fragment.replay) {
        const button = document.querySelector('#deliveries button[data-replay="' + CSS.escape(fragment.replay) + '"]');
        if (button) button.click(); else toast('No delivery to ' + fragment.replay + ' on this message', true);
      }
    }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
