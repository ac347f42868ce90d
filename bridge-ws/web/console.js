// The telemq web console: every topic's last value from GET /events, the broker's counters from
// GET /stats, and a form that calls POST /publish. No framework and nothing from other sites,
// so it works wherever the broker's port is reachable.
(function () {
  'use strict';

  const HISTORY_SECONDS = 120;
  const MAX_ROWS = 2000;

  const topics = new Map(); // topic -> {payload, base64, qos, retain, time, fresh}
  let renderQueued = false;
  let searchText = '';

  const $ = (id) => document.getElementById(id);
  const tbody = document.querySelector('#topics tbody');

  // ---- event stream -------------------------------------------------------------------------

  function setStatus(kind, text) {
    $('status').className = 'status ' + kind;
    $('status-text').textContent = text;
  }

  function connect() {
    // EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed while
    // the stream is down; a reset event says the gap was too long and the state comes again.
    const source = new EventSource('events?topic=' + encodeURIComponent('#'));
    source.addEventListener('open', () => setStatus('live', 'Live'));
    source.addEventListener('error', () => {
      setStatus(source.readyState === EventSource.CLOSED ? 'down' : 'connecting',
        source.readyState === EventSource.CLOSED ? 'Disconnected' : 'Reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 3000);
      }
    });
    source.addEventListener('reset', () => {
      topics.clear();
      queueRender();
    });
    source.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      const known = topics.get(m.topic);
      if (m.retain && m.payload === '' && !m.base64) {
        topics.delete(m.topic); // an empty retained message clears the topic
      } else {
        topics.set(m.topic, {
          payload: m.payload,
          base64: m.base64,
          qos: m.qos,
          retain: m.retain,
          time: m.timestamp || (known && known.time) || null,
          fresh: true,
        });
      }
      queueRender();
    });
  }

  // ---- topics table -------------------------------------------------------------------------

  function queueRender() {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  }

  function ago(time) {
    if (!time) return 'retained';
    const s = Math.max(0, Math.round((Date.now() - time) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return new Date(time).toLocaleTimeString();
  }

  function render() {
    renderQueued = false;
    const names = [...topics.keys()]
      .filter((t) => !searchText || t.toLowerCase().includes(searchText))
      .sort()
      .slice(0, MAX_ROWS);
    const rows = new Map([...tbody.rows].map((r) => [r.dataset.topic, r]));
    const fragment = document.createDocumentFragment();
    for (const name of names) {
      const entry = topics.get(name);
      let row = rows.get(name);
      if (!row) {
        row = document.createElement('tr');
        row.dataset.topic = name;
        row.innerHTML = '<td class="topic"></td><td class="value"></td><td class="qos"></td><td class="time"></td>';
        row.cells[0].textContent = name;
      }
      rows.delete(name);
      const value = row.cells[1];
      value.textContent = entry.payload;
      value.title = entry.payload;
      if (entry.base64) value.insertAdjacentHTML('beforeend', '<span class="badge binary">base64</span>');
      if (entry.retain) value.insertAdjacentHTML('beforeend', '<span class="badge retained">retained</span>');
      row.cells[2].textContent = entry.qos;
      row.cells[3].textContent = ago(entry.time);
      row.cells[3].dataset.time = entry.time || '';
      if (entry.fresh) {
        entry.fresh = false;
        row.classList.remove('flash');
        void row.offsetWidth; // restart the animation
        row.classList.add('flash');
      }
      fragment.appendChild(row);
    }
    for (const stale of rows.values()) stale.remove();
    tbody.appendChild(fragment);
    $('topic-count').textContent = topics.size;
    $('topics-empty').style.display = topics.size ? 'none' : '';
  }

  $('topic-search').addEventListener('input', (e) => {
    searchText = e.target.value.trim().toLowerCase();
    queueRender();
  });

  setInterval(() => {
    for (const cell of tbody.querySelectorAll('td.time')) {
      if (cell.dataset.time) cell.textContent = ago(Number(cell.dataset.time));
    }
  }, 1000);

  // ---- statistics and chart -----------------------------------------------------------------

  const series = { in: [], out: [] };
  let previous = null;

  function format(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
    return String(Math.round(n));
  }

  async function refreshStats() {
    try {
      const response = await fetch('stats', { cache: 'no-store' });
      if (!response.ok) return;
      const s = await response.json();
      $('stat-clients').textContent = format(s.connections);
      $('stat-retained').textContent = format(s.retained_messages);
      $('stat-subscriptions').textContent = format(s.subscriptions);
      if (previous) {
        const seconds = Math.max(0.001, (s.time - previous.time) / 1000);
        const rateIn = Math.max(0, (s.messages_routed - previous.messages_routed) / seconds);
        const rateOut = Math.max(0, (s.messages_sent - previous.messages_sent) / seconds);
        series.in.push(rateIn);
        series.out.push(rateOut);
        if (series.in.length > HISTORY_SECONDS) { series.in.shift(); series.out.shift(); }
        $('stat-rate-in').textContent = format(rateIn);
        $('stat-rate-out').textContent = format(rateOut);
        drawChart();
      }
      previous = s;
    } catch (e) {
      // The stream's status shows the broker is unreachable; try again at the next tick.
    }
  }

  function niceCeiling(v) {
    if (v <= 5) return 5;
    const power = Math.pow(10, Math.floor(Math.log10(v)));
    for (const step of [1, 2, 2.5, 5, 10]) {
      if (v <= step * power) return step * power;
    }
    return 10 * power;
  }

  function drawChart() {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const left = 48, right = 10, top = 10, bottom = 24;
    const plotW = width - left - right, plotH = height - top - bottom;
    const max = niceCeiling(Math.max(1, ...series.in, ...series.out));

    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#6b7487';
    ctx.strokeStyle = '#e3e7ef';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      ctx.beginPath();
      ctx.moveTo(left, Math.round(y) + 0.5);
      ctx.lineTo(left + plotW, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.fillText(format((max * i) / 4), left - 8, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let s = 0; s <= HISTORY_SECONDS; s += 30) {
      const x = left + plotW - (plotW * s) / HISTORY_SECONDS;
      ctx.fillText(s === 0 ? 'now' : '-' + s + ' s', x, top + plotH + 6);
    }

    function line(values, colour, fill) {
      if (values.length < 2) return;
      const step = plotW / HISTORY_SECONDS;
      const x0 = left + plotW - (values.length - 1) * step;
      ctx.beginPath();
      values.forEach((v, i) => {
        const x = x0 + i * step;
        const y = top + plotH - (plotH * v) / max;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.lineJoin = 'round';
      ctx.stroke();
      if (fill) {
        ctx.lineTo(left + plotW, top + plotH);
        ctx.lineTo(x0, top + plotH);
        ctx.closePath();
        ctx.fillStyle = fill;
        ctx.fill();
      }
    }
    line(series.out, '#10b981', null);
    line(series.in, '#2563eb', 'rgba(37, 99, 235, 0.08)');
  }

  window.addEventListener('resize', drawChart);

  // ---- publish form -------------------------------------------------------------------------

  $('publish').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const result = $('publish-result');
    const target = 'publish?topic=' + encodeURIComponent(form.topic.value) +
      '&qos=' + form.qos.value + '&retain=' + (form.retain.checked ? 1 : 0);
    try {
      const response = await fetch(target, { method: 'POST', body: form.payload.value });
      const answer = await response.json();
      if (response.ok) {
        result.className = 'result ok';
        result.textContent = 'Published ' + answer.bytes + ' bytes to ' + answer.topic;
      } else {
        result.className = 'result error';
        result.textContent = answer.error || ('HTTP ' + response.status);
      }
    } catch (err) {
      result.className = 'result error';
      result.textContent = 'The broker did not answer: ' + err.message;
    }
  });

  connect();
  refreshStats();
  setInterval(refreshStats, 1000);
  drawChart();
})();
