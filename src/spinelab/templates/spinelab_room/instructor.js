// The instructor's view of the room's votes: polls the results every second (no names ever reach this page).
(function () {
  'use strict';
  var POLL_MS = window.spinelabRoomPollMs || 1000;
  var select = document.getElementById('question');
  var status = document.getElementById('status');
  var current = null;
  var lastShown = '';

  function api(action, body) {
    var options = {credentials: 'same-origin', cache: 'no-store'};
    if (body !== undefined) {
      options.method = 'POST';
      options.headers = {'Content-Type': 'application/json'};
      options.body = JSON.stringify(body);
    }
    return fetch('api/instructor/' + action, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || response.statusText); }
        return data;
      });
    });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function fillQuestions(questions) {
    var groups = {};
    questions.forEach(function (question) {
      var label = question.kit ? 'Class kit: peer instruction' : 'Notebook ' + question.notebook;
      if (!groups[label]) {
        groups[label] = element('optgroup');
        groups[label].label = label;
        select.appendChild(groups[label]);
      }
      var option = element('option', question.id + (question.kind === 'select_all' ? ' (select all)' : '') +
                                      ': ' + question.prompt);
      option.value = question.id;
      groups[label].appendChild(option);
    });
  }

  function drawRound(results, round) {
    var column = element('div');
    var many = results.kind === 'select_all';  // each bar: the share of voters who ticked that choice
    column.appendChild(element('h3', 'Round ' + round.round + (round.open ? ' (open)' : ' (closed)') + ': ' +
                                     round.total + (round.total === 1 ? ' vote' : ' votes')));
    var most = Math.max.apply(null, round.counts.concat([1]));
    results.choices.forEach(function (choice, index) {
      var row = element('div', undefined, 'bar-row');
      var count = round.counts[index];
      var share = round.total ? Math.round(100 * count / round.total) : 0;
      var label = (results.revealed && choice.correct ? '\u2713 ' : '') + choice.text + ': ' + count +
                  (many ? ' ticked' : '') + ' (' + share + ' %' + (many ? ' of voters' : '') + ')';
      row.appendChild(element('div', label, results.revealed && choice.correct ? 'room-correct' : ''));
      var track = element('div', undefined, 'bar-track');
      track.setAttribute('aria-hidden', 'true');
      var bar = element('div', undefined, 'bar' + (results.revealed && choice.correct ? ' correct' : ''));
      bar.style.width = (100 * count / most) + '%';
      track.appendChild(bar);
      row.appendChild(track);
      if (results.revealed && !choice.correct && choice.misconception) {
        row.appendChild(element('p', 'Misconception: ' + choice.misconception, 'why'));
      }
      column.appendChild(row);
    });
    return column;
  }

  function draw(results) {
    var key = JSON.stringify(results);
    if (key === lastShown) { return; }
    lastShown = key;
    document.getElementById('vignette').textContent = results.vignette;
    document.getElementById('prompt').textContent = results.prompt;
    var rounds = document.getElementById('rounds');
    rounds.textContent = '';
    if (!results.rounds.length) { rounds.appendChild(element('p', 'No round opened on this question yet.')); }
    results.rounds.forEach(function (round) { rounds.appendChild(drawRound(results, round)); });
    document.getElementById('explanation').textContent =
      results.revealed ? 'Answer: ' + results.explanation : '';
  }

  function refresh() {
    if (!select.value) { return Promise.resolve(); }
    return Promise.all([api('results?question=' + encodeURIComponent(select.value)), api('current')])
      .then(function (both) {
        current = both[1].poll;
        draw(both[0]);
      })
      .catch(function (error) { status.textContent = error.message; });
  }

  function act(action, body, message) {
    return api(action, body).then(function () {
      status.textContent = message;
      return refresh();
    }).catch(function (error) { status.textContent = error.message; });
  }

  function open(round) {
    return act('open', {question: select.value, round: round}, 'Round ' + round + ' is open.');
  }

  function showOverview() {
    return api('overview').then(function (rows) {
      var body = document.getElementById('overview-rows');
      body.textContent = '';
      rows.forEach(function (row) {
        var line = element('tr');
        line.appendChild(element('th', row.question + ': ' + row.prompt));
        line.firstChild.scope = 'row';
        line.appendChild(element('td', String(row.rounds)));
        line.appendChild(element('td', String(row.voters)));
        line.appendChild(element('td', row.percent_correct === null ? 'no votes' : row.percent_correct + ' %'));
        line.appendChild(element('td', row.misconception || 'none so far'));
        body.appendChild(line);
      });
      var section = document.getElementById('overview');
      section.hidden = false;
      section.scrollIntoView();
    }).catch(function (error) { status.textContent = error.message; });
  }

  document.getElementById('open1').addEventListener('click', function () { open(1); });
  document.getElementById('open2').addEventListener('click', function () { open(2); });
  document.getElementById('close').addEventListener('click', function () {
    act('close', {}, 'The vote is closed: let neighbours discuss, then open round 2.');
  });
  document.getElementById('reveal').addEventListener('click', function () {
    act('reveal', {}, 'The answer is shown on the students\u2019 pages.');
  });
  document.getElementById('show-overview').addEventListener('click', showOverview);
  select.addEventListener('change', function () { lastShown = ''; refresh(); });
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.target === select) { return; }
    var keys = {'1': function () { open(1); }, '2': function () { open(2); },
                'c': function () { document.getElementById('close').click(); },
                'r': function () { document.getElementById('reveal').click(); }, 'o': showOverview};
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });

  api('questions').then(function (questions) {
    fillQuestions(questions);
    return api('current');
  }).then(function (data) {
    if (data.poll) { select.value = data.poll.question; }
    refresh();
    window.setInterval(refresh, POLL_MS);
  }).catch(function (error) { status.textContent = error.message; });
})();
