/* studybot's web chat: asks POST api/ask, shows each answer with its sources,
 * suggestions (buttons that ask them) and, when asked, how it was read. The
 * conversation id the server returns keeps follow-ups in one conversation.
 * /?q=QUESTION asks QUESTION on load. */
(function () {
  'use strict';
  var log = document.getElementById('log'), form = document.getElementById('ask');
  var input = document.getElementById('q'), explain = document.getElementById('explain');
  var status = document.getElementById('status');
  var conversation = null, busy = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function add(item) {
    log.appendChild(item);
    if (item.scrollIntoView) item.scrollIntoView({ block: 'end' });
  }

  /* the answer's text without its closing "Source: ..." lines, shown apart */
  function body(a) {
    var lines = a.answer.split('\n');
    while (a.sources.length && lines.length > 1 && /^Sources?: /.test(lines[lines.length - 1])) lines.pop();
    return lines.join('\n');
  }

  function show(a) {
    var li = el('li', a.matched ? 'a' : 'a unmatched'), i;
    conversation = a.conversation || conversation;
    li.setAttribute('data-topic', a.topic || '');
    li.appendChild(el('span', 'who', 'studybot'));
    li.appendChild(el('p', 'text', body(a)));
    if (a.sources.length) {
      var s = el('p', 'sources', a.sources.length > 1 ? 'Sources: ' : 'Source: ');
      for (i = 0; i < a.sources.length; i++) {
        if (i) s.appendChild(document.createTextNode('; '));
        s.appendChild(el('cite', null, a.sources[i].title));
      }
      li.appendChild(s);
    }
    if (a.suggestions.length) {
      var ul = el('ul', 'suggestions');
      ul.setAttribute('aria-label', 'Suggested questions');
      for (i = 0; i < a.suggestions.length; i++) {
        var b = el('button', 'suggestion', a.suggestions[i]), item = el('li');
        b.type = 'button';
        b.addEventListener('click', ask.bind(null, a.suggestions[i]));
        item.appendChild(b);
        ul.appendChild(item);
      }
      li.appendChild(ul);
    }
    if (a.explain) {
      var d = el('details');
      d.appendChild(el('summary', null, 'How this was read'));
      d.appendChild(el('pre', null, a.explain));
      li.appendChild(d);
    }
    add(li);
  }

  function failed(e) {
    var li = el('li', 'a error');
    li.appendChild(el('span', 'who', 'studybot'));
    li.appendChild(el('p', 'text', 'No answer: ' + e.message));
    add(li);
  }

  function ask(text) {
    var q, req = { text: (text || '').trim() };
    if (!req.text || busy) return;
    busy = true;
    status.textContent = 'Asking\u2026';
    q = el('li', 'q');
    q.appendChild(el('span', 'who', 'You'));
    q.appendChild(el('p', 'text', req.text));
    add(q);
    if (conversation) req.conversation = conversation;
    if (explain.checked) req.explain = true;
    fetch('api/ask', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                       body: JSON.stringify(req) })
      .then(function (r) {
        if (r.ok) return r.json();
        return r.text().then(function (t) { throw new Error(t.trim() || 'HTTP ' + r.status); });
      })
      .then(show, failed)
      .then(function () { busy = false; status.textContent = ''; input.focus(); });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return;
    var text = input.value;
    input.value = '';
    ask(text);
  });
  var first = new URLSearchParams(window.location.search).get('q');
  if (first) ask(first); else input.focus();
}());
