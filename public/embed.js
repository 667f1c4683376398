// Trato chat loader. Include once:
//   <script src="https://TRATO/widget/embed.js" data-site="SITE_KEY" async></script>
// Options (data-*): color, position (right|left), offset (px), z-index, locale (es|en), theme (light|dark; else the
// visitor's preference), open-on-idle (seconds).
// API: Trato.open(), .close(), .toggle(), .identify({userId, name, email, hmac, expires}), .on(event, fn) with the events
// opened, closed, unread (count), message (text). Messages with the chat frame are {trato: 1, type, ...} and are
// accepted only from the frame's exact origin and window; no URL or token is ever taken from a message.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.Trato) return;
  var d = script.dataset;
  var site = d.site;
  if (!site) return;
  var ORIGIN = new URL(script.src).origin;
  var HOST = location.origin;
  var side = d.position === 'left' ? 'left' : 'right';
  var offset = (parseInt(d.offset, 10) || 20) + 'px';
  var z = String(parseInt(d.zIndex, 10) || 2147483000);
  var locale = d.locale || (navigator.language || 'es').slice(0, 2);
  // The host may pick the widget's theme; otherwise it follows the visitor's preference.
  var theme = d.theme === 'dark' || d.theme === 'light' ? d.theme : '';
  var dark = theme ? theme === 'dark' : !!(window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches);
  var en = locale === 'en';
  var memory = 'trato:' + site + ':active';
  var handlers = {};
  var frame = null;
  var ready = false;
  var queue = [];
  var open = false;
  var unread = 0;
  var identity = null;

  function emit(name, value) {
    (handlers[name] || []).forEach(function (fn) {
      try { fn(value); } catch (e) { /* a host handler's error is the host's */ }
    });
  }
  function css(el, styles) { for (var k in styles) el.style[k] = styles[k]; }
  function post(message) {
    message.trato = 1;
    if (ready && frame) frame.contentWindow.postMessage(message, ORIGIN);
    else queue.push(message);
  }
  function remember(active) {
    try { active ? localStorage.setItem(memory, '1') : localStorage.removeItem(memory); } catch (e) { /* blocked */ }
  }
  function remembered() {
    try { return localStorage.getItem(memory) === '1'; } catch (e) { return false; }
  }

  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', en ? 'Open chat' : 'Abrir chat');
  button.setAttribute('aria-expanded', 'false');
  // An inline icon: no emoji font or image request needed.
  var SVG = 'http://www.w3.org/2000/svg';
  var icon = document.createElementNS(SVG, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('width', '28');
  icon.setAttribute('height', '28');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('focusable', 'false');
  var path = document.createElementNS(SVG, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z');
  icon.appendChild(path);
  button.appendChild(icon);
  css(button, {
    position: 'fixed', bottom: offset, width: '56px', height: '56px', borderRadius: '50%', border: '0',
    background: d.color || '#1f5fbf', color: '#fff', cursor: 'pointer', zIndex: z, padding: '0',
    display: 'grid', placeItems: 'center',
    boxShadow: '0 2px 8px rgba(0,0,0,.3)'
  });
  button.style[side] = offset;
  var badge = document.createElement('span');
  css(badge, {
    position: 'absolute', top: '-4px', right: '-4px', minWidth: '20px', height: '20px', borderRadius: '10px',
    background: '#a4161a', color: '#fff', font: 'bold 12px/20px sans-serif', display: 'none'
  });
  badge.setAttribute('data-trato-unread', '');
  button.appendChild(badge);

  function setUnread(count) {
    unread = count;
    badge.textContent = String(count);
    badge.style.display = count > 0 && !open ? 'block' : 'none';
    button.setAttribute('aria-label', (en ? 'Open chat' : 'Abrir chat') + (count ? ' (' + count + ')' : ''));
    emit('unread', count);
  }

  function place() {
    if (!frame) return;
    var narrow = window.innerWidth < 640;
    css(frame, narrow
      ? { top: '0', bottom: '0', width: '100%', height: '100%', borderRadius: '0' }
      : { top: 'auto', bottom: 'calc(' + offset + ' + 70px)', width: '380px', height: '560px', borderRadius: '12px' });
    frame.style[side] = narrow ? '0' : offset;
  }

  function create() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.title = en ? 'Chat' : 'Chat';
    frame.src = ORIGIN + '/widget/?site=' + encodeURIComponent(site) + '&host=' + encodeURIComponent(HOST) +
      '&lang=' + encodeURIComponent(locale) + (theme ? '&theme=' + theme : '');
    frame.setAttribute('data-trato-frame', '');
    css(frame, {
      position: 'fixed', border: '0', zIndex: z, background: dark ? '#1b212b' : '#fff', display: 'none',
      colorScheme: theme || 'normal',
      boxShadow: '0 4px 24px rgba(0,0,0,.25)', maxHeight: '100%'
    });
    place();
    document.body.appendChild(frame);
  }

  function show(value) {
    if (value === open) return;
    if (value) create();
    open = value;
    frame.style.display = open ? 'block' : 'none';
    button.setAttribute('aria-expanded', String(open));
    post({ type: open ? 'open' : 'close' });
    if (open) setUnread(0);
    emit(open ? 'opened' : 'closed');
  }

  window.addEventListener('message', function (e) {
    if (!frame || e.origin !== ORIGIN || e.source !== frame.contentWindow) return;
    var m = e.data;
    if (!m || m.trato !== 1 || typeof m.type !== 'string') return;
    if (m.type === 'ready') {
      ready = true;
      if (identity) queue.unshift({ type: 'identify', identity: identity, trato: 1 });
      if (open) queue.push({ type: 'open', trato: 1 });
      queue.splice(0).forEach(function (q) { frame.contentWindow.postMessage(q, ORIGIN); });
    } else if (m.type === 'unread' && typeof m.count === 'number') {
      if (!open) setUnread(Math.max(0, Math.min(999, m.count | 0)));
    } else if (m.type === 'message' && typeof m.text === 'string') {
      emit('message', m.text);
    } else if (m.type === 'active') {
      remember(!!m.active);
    } else if (m.type === 'close') {
      show(false);
      button.focus();
    }
  });
  window.addEventListener('resize', place);
  button.addEventListener('click', function () {
    show(!open);
    if (open && frame) frame.focus();
  });

  window.Trato = {
    open: function () { show(true); },
    close: function () { show(false); },
    toggle: function () { show(!open); },
    identify: function (who) {
      if (!who || typeof who.userId !== 'string') return;
      identity = { userId: who.userId, name: who.name || null, email: who.email || null, hmac: who.hmac || null,
        expires: typeof who.expires === 'number' ? who.expires : null };
      if (frame) post({ type: 'identify', identity: identity });
    },
    on: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  };

  function start() {
    document.body.appendChild(button);
    // A conversation is going on: load the frame hidden, so a rep's answer shows up as an unread count.
    if (remembered()) create();
    var idle = parseInt(d.openOnIdle, 10);
    if (idle > 0) setTimeout(function () { if (!frame) create(); }, idle * 1000);
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
