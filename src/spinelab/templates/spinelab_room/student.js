// A student's vote: polls the room every 2 seconds; a random id kept in this browser stands for the student.
(function () {
  'use strict';
  var POLL_MS = window.spinelabRoomPollMs || 2000;
  var ID_KEY = 'spinelab-room-student';
  var NAME_KEY = 'spinelab-room-name';
  var script = document.currentScript;
  var base = script.src.replace(/static\/student\.js(\?.*)?$/, 'api/');
  var shownKey = '';
  var panel = null;

  function studentId() {
    var id = null;
    try { id = window.localStorage.getItem(ID_KEY); } catch (error) { id = null; }
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
      try { window.localStorage.setItem(ID_KEY, id); } catch (error) { /* private mode: this page only */ }
    }
    return id;
  }
  var student = studentId();
  var mine = document.getElementById('spinelab-my-votes');
  if (mine) { mine.href = base + 'mine?student=' + encodeURIComponent(student); }

  // In a class, the self-check widgets carry a hidden box (spinelab.course.class_progress): typing the id into it
  // tells the page's kernel whose answers to keep and show, so they survive a reload (a new kernel).
  function linkKernel() {
    var boxes = document.querySelectorAll('.spinelab-student-id input');
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.value === student) { return; }
      box.value = student;
      box.dispatchEvent(new Event('input', {bubbles: true}));
      box.dispatchEvent(new Event('change', {bubbles: true}));
    });
  }
  var linkPending = false;
  new MutationObserver(function () {
    if (linkPending) { return; }
    linkPending = true;
    window.setTimeout(function () { linkPending = false; linkKernel(); }, 100);
  }).observe(document.body, {childList: true, subtree: true});

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function post(action, body) {
    return fetch(base + action, {method: 'POST', credentials: 'same-origin', cache: 'no-store',
                                 headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || response.statusText); }
          return data;
        });
      });
  }

  function ensurePanel() {
    if (!panel) {
      panel = element('section');
      panel.id = 'spinelab-vote';
      panel.setAttribute('aria-labelledby', 'spinelab-vote-heading');
      var waiting = document.getElementById('spinelab-vote-waiting');
      (waiting ? waiting.parentNode : document.body).appendChild(panel);
    }
    panel.hidden = false;
    return panel;
  }

  function say(text) {
    var line = panel.querySelector('.status');
    line.textContent = text;
  }

  function drawName() {
    var box = ensurePanel();
    box.textContent = '';
    box.appendChild(element('h2', 'Class vote: your name', undefined)).id = 'spinelab-vote-heading';
    var label = element('label', 'Your name as it is on the class list');
    var input = element('input');
    input.type = 'text';
    input.autocomplete = 'name';
    label.appendChild(input);
    var button = element('button', 'Join the class');
    button.type = 'button';
    box.appendChild(label);
    box.appendChild(button);
    box.appendChild(element('p', '', 'status')).setAttribute('role', 'status');
    button.addEventListener('click', function () {
      post('join', {student: student, name: input.value}).then(function () {
        try { window.localStorage.setItem(NAME_KEY, '1'); } catch (error) { /* this page only */ }
        shownKey = '';
        check();
      }).catch(function (error) { say(error.message); });
    });
  }

  // A select-all vote sends the ticked choices as a list, and its own vote comes back as one.
  function chosen(view) {
    return view.kind === 'select_all' ? (view.mine || []) : (view.mine ? [view.mine] : []);
  }

  function mineWords(view) {
    return chosen(view).join('; ');
  }

  function drawVote(view) {
    var box = ensurePanel();
    box.textContent = '';
    var many = view.kind === 'select_all';
    var heading = element('h2', 'Class vote, round ' + view.round);
    heading.id = 'spinelab-vote-heading';
    box.appendChild(heading);
    if (view.vignette) { box.appendChild(element('p', view.vignette)); }
    var fieldset = element('fieldset');
    fieldset.appendChild(element('legend', view.prompt + (many ? ' (Tick every answer that applies.)' : '')));
    view.choices.forEach(function (choice, index) {
      var label = element('label');
      var input = element('input');
      input.type = many ? 'checkbox' : 'radio';
      input.name = 'spinelab-vote-choice';
      input.value = choice;
      input.checked = chosen(view).indexOf(choice) >= 0;
      input.disabled = !view.open;
      label.appendChild(input);
      var text = choice;
      if (view.revealed) {
        var correct = view.answer.indexOf(choice) >= 0;
        text += (correct ? ' (correct answer)' : '') + ': ' + view.counts[index] + ' in the room';
      }
      label.appendChild(element('span', text, view.revealed && view.answer.indexOf(choice) >= 0 ? 'room-correct' : ''));
      fieldset.appendChild(label);
    });
    box.appendChild(fieldset);
    if (view.open) {
      var button = element('button', view.mine ? 'Change my vote' : 'Send my vote');
      button.type = 'button';
      button.addEventListener('click', function () {
        var picked = Array.prototype.map.call(box.querySelectorAll('input[name=spinelab-vote-choice]:checked'),
                                              function (input) { return input.value; });
        if (!picked.length) { say(many ? 'Tick at least one answer first.' : 'Choose an answer first.'); return; }
        post('vote', {poll: view.poll, student: student, choice: many ? picked : picked[0]}).then(function () {
          view.mine = many ? picked : picked[0];
          shownKey = key(view);
          say('Your vote is in: ' + mineWords(view) + '. You can change it until the vote closes.');
        }).catch(function (error) {
          say(error.message);
          shownKey = '';  // the vote may have closed or moved on: show the room as it is now
          window.setTimeout(check, 1500);
        });
      });
      box.appendChild(button);
    }
    var line = element('p', '', 'status');
    line.setAttribute('role', 'status');
    box.appendChild(line);
    if (view.revealed) {
      line.textContent = (view.mine ? 'You chose: ' + mineWords(view) + '. ' : '') + view.explanation;
    } else if (!view.open) {
      line.textContent = (view.mine ? 'Your vote: ' + mineWords(view) + '. ' : 'You did not vote. ') +
                         'The vote is closed: discuss your answer with your neighbour.';
    } else if (view.mine) {
      line.textContent = 'Your vote is in: ' + mineWords(view) + '. You can change it until the vote closes.';
    }
  }

  function key(view) {
    return [view.poll, view.open, view.revealed, JSON.stringify(view.mine)].join('|');
  }

  function check() {
    linkKernel();
    fetch(base + 'poll?student=' + encodeURIComponent(student), {credentials: 'same-origin', cache: 'no-store'})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (view) {
        if (!view) { return; }
        var joined = false;
        try { joined = window.localStorage.getItem(NAME_KEY) === '1'; } catch (error) { joined = false; }
        if (view.roster && !joined) {
          if (shownKey !== 'name') { shownKey = 'name'; drawName(); }
          return;
        }
        if (!view.poll) {
          if (panel) { panel.hidden = true; }
          shownKey = '';
          return;
        }
        var waiting = document.getElementById('spinelab-vote-waiting');
        if (waiting) { waiting.hidden = true; }
        if (key(view) !== shownKey) {
          shownKey = key(view);
          drawVote(view);
        }
      })
      .catch(function () { /* the server is busy for a moment: the next poll tries again */ });
  }

  check();
  window.setInterval(check, POLL_MS);
})();
