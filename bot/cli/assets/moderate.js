/* studybot's moderators' view: sign in with a token (the server keeps the session
 * in an HttpOnly cookie and hands back a CSRF token, sent with every change), then
 * every action is one moderators' command (POST moderate/command), the same as
 * "!kb ..." in a chat; its reply is shown next to the form that sent it. */
(function () {
  'use strict';
  var csrf = null;
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function post(path, body) {
    var h = { 'Content-Type': 'application/json' };
    if (csrf) h['X-CSRF-Token'] = csrf;
    return fetch(path, { method: 'POST', headers: h, body: JSON.stringify(body), credentials: 'same-origin' })
      .then(function (r) {
        return r.json().catch(function () { return { error: 'HTTP ' + r.status }; })
          .then(function (j) { j.status = r.status; return j; });
      });
  }
  /* runs one command; the promise gets {ok, reply} */
  function run(command) {
    return post('moderate/command', { command: command }).then(function (j) {
      if (j.status === 401) signedOut();
      return j.error ? { ok: false, reply: j.error } : j;
    });
  }
  function say(p, r) {
    p.textContent = r.reply;
    p.className = 'result ' + (r.ok ? 'ok' : 'refused');
  }

  function signedIn(s) {
    csrf = s.csrf;
    $('who').textContent = 'Signed in as ' + s.name + '.';
    $('signin').hidden = true;
    $('view').hidden = false;
    refreshAll();
  }
  function signedOut() {
    csrf = null;
    $('who').textContent = 'Not signed in.';
    $('signin').hidden = false;
    $('view').hidden = true;
    $('token').focus();
  }

  function teachForm(cls, html, command) {
    var f = el('form', cls);
    f.innerHTML = html;
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      run(command(f)).then(function (r) { say(f.querySelector('.result'), r); if (r.ok) refreshAll(); });
    });
    return f;
  }
  function queueItem(m) {
    var li = el('li', 'card'), id = 'q' + m[1];
    li.setAttribute('data-id', m[1]);
    li.appendChild(el('p', 'question', m[5]));
    li.appendChild(el('p', 'meta', 'asked ' + m[2] + (m[2] === '1' ? ' time' : ' times') + ', last ' + m[3] +
                      (m[4] || '')));
    li.appendChild(teachForm('teach', '<label for="' + id + '-t">Add as an example of topic</label><div class="row">' +
      '<input id="' + id + '-t" list="topic-ids" autocomplete="off" required><button type="submit">Add as example</button>' +
      '</div><p class="result" aria-live="polite"></p>', function (f) {
      return 'example ' + f.querySelector('input').value.trim() + ' | #' + m[1];
    }));
    li.appendChild(teachForm('teach-new', '<details><summary>or start a new topic</summary>' +
      '<label for="' + id + '-n">New topic id</label><input id="' + id + '-n" required pattern="[a-z0-9-]+">' +
      '<label for="' + id + '-a">Its answer</label><textarea id="' + id + '-a" rows="3" required></textarea>' +
      '<button type="submit">Create the topic</button><p class="result" aria-live="polite"></p></details>',
      function () {
        return 'add ' + $(id + '-n').value.trim() + ' #' + m[1] + ' | ' + $(id + '-a').value.trim();
      }));
    return li;
  }
  function refreshQueue() {
    return run('unanswered 20').then(function (r) {
      var list = $('queue-list'), lines = (r.reply || '').split('\n'), re = /^#(\d+)\s+asked (\d+) times?, last (\S+?)(, [^:]*)?: (.*)$/;
      list.textContent = '';
      lines.forEach(function (line) { var m = re.exec(line); if (m) list.appendChild(queueItem(m)); });
      if (!list.children.length) list.appendChild(el('li', 'empty', r.ok ? 'No unanswered questions.' : r.reply));
    });
  }
  function refreshTopics() {
    return run('list').then(function (r) {
      var dl = $('topic-ids');
      dl.textContent = '';
      (r.reply || '').split('\n').forEach(function (line) {
        var m = /^(\S+) - (.*)$/.exec(line);
        if (m) { var o = el('option'); o.value = m[1]; o.textContent = m[2]; dl.appendChild(o); }
      });
    });
  }
  function refreshHistory() {
    return run('history 20').then(function (r) { $('history-list').textContent = r.reply; });
  }
  function refreshStatus() {
    return run('status').then(function (r) { $('status-text').textContent = r.reply; });
  }
  function refreshAll() {
    return Promise.all([refreshQueue(), refreshTopics(), refreshHistory(), refreshStatus()]);
  }
  function showTopic() {
    var t = $('topic').value.trim();
    if (t) run('show ' + t).then(function (r) { $('topic-show').textContent = r.reply; });
  }

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var p = $('login').querySelector('.result');
    post('moderate/login', { token: $('token').value }).then(function (j) {
      if (j.csrf) { $('token').value = ''; p.textContent = ''; signedIn(j); } else p.textContent = j.error || 'refused';
    });
  });
  $('logout').addEventListener('click', function () { post('moderate/logout', {}).then(signedOut); });
  $('queue-refresh').addEventListener('click', refreshQueue);
  $('history-refresh').addEventListener('click', refreshHistory);
  $('undo-last').addEventListener('click', function () {
    run('undo').then(function (r) { say($('undo-result'), r); refreshAll(); });
  });
  $('topic-pick').addEventListener('submit', function (ev) { ev.preventDefault(); showTopic(); });
  [].forEach.call(document.querySelectorAll('form.edit'), function (f) {
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var t = $('topic').value.trim(), field = f.querySelector('input, textarea'), p = f.querySelector('.result');
      if (!t) { say(p, { ok: false, reply: 'choose a topic first' }); $('topic').focus(); return; }
      run(f.getAttribute('data-cmd') + ' ' + t + ' | ' + field.value).then(function (r) {
        say(p, r);
        if (r.ok) { field.value = ''; showTopic(); refreshHistory(); }
      });
    });
  });
  $('explain-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    run('explain | ' + $('explain-q').value).then(function (r) { $('explain-text').textContent = r.reply; });
  });
  fetch('moderate/session', { credentials: 'same-origin' }).then(function (r) {
    return r.ok ? r.json().then(signedIn) : signedOut();
  }, signedOut);
}());
