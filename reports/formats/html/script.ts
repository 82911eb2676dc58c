/**
 * The report's one inline script: filters, copy buttons, expand/collapse, links that unfold their
 * target, and opening every fold for printing. It only reads the page the renderer wrote (data
 * attributes, text content) and sets classes, `open` and button labels: it never turns text into
 * markup, so nothing a target wrote can run.
 * Plain ES2020 in a string: it runs in the reader's browser, not in Node.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var checks = Array.prototype.slice.call(document.querySelectorAll('.check[data-status]'));
  var toggles = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('.check-group'));
  var shownCount = document.getElementById('shown-count');
  var noMatch = document.querySelector('.no-match');

  // A value without a toggle is never hidden: only a toggle turned off hides checks.
  function applyFilters() {
    var hidden = { status: Object.create(null), family: Object.create(null), severity: Object.create(null) };
    toggles.forEach(function (toggle) {
      if (!toggle.checked) hidden[toggle.dataset.filter][toggle.value] = true;
    });
    var shown = 0;
    checks.forEach(function (check) {
      var keep = !hidden.status[check.dataset.status] && !hidden.family[check.dataset.family] && !hidden.severity[check.dataset.severity];
      check.classList.toggle('is-filtered', !keep);
      if (keep) shown++;
    });
    groups.forEach(function (group) {
      var members = group.querySelectorAll('.check[data-status]').length;
      var visible = group.querySelectorAll('.check[data-status]:not(.is-filtered)').length;
      group.classList.toggle('is-filtered', members > 0 && visible === 0);
    });
    if (shownCount) shownCount.textContent = String(shown);
    if (noMatch) noMatch.hidden = shown > 0;
  }

  document.addEventListener('change', function (event) {
    if (event.target instanceof HTMLInputElement && event.target.dataset.filter) applyFilters();
  });

  var labelTimers = new WeakMap();
  function flash(button, text) {
    button.textContent = text;
    button.classList.add('copied');
    clearTimeout(labelTimers.get(button));
    labelTimers.set(button, setTimeout(function () {
      button.textContent = 'Copy';
      button.classList.remove('copied');
    }, 1800));
  }

  // Without the async clipboard (an insecure origin, a refused permission): a selected, off-screen textarea.
  function copyWithSelection(text) {
    var buffer = document.createElement('textarea');
    buffer.value = text;
    buffer.setAttribute('readonly', '');
    buffer.className = 'copy-buffer';
    document.body.appendChild(buffer);
    buffer.select();
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
    buffer.remove();
    if (!copied) throw new Error('the browser refused to copy');
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { copyWithSelection(text); });
    }
    return new Promise(function (resolve) { copyWithSelection(text); resolve(); });
  }

  function detailsOfShownChecks() {
    return Array.prototype.slice.call(document.querySelectorAll('details.check:not(.is-filtered)'));
  }

  // A link into something folded (the promises table, a warning's card) unfolds what hides its target.
  function unfold(target) {
    for (var node = target; node; node = node.parentElement) {
      if (node instanceof HTMLDetailsElement) node.open = true;
    }
  }

  function hashTarget(hash) {
    if (!hash || hash.length < 2) return null;
    try { return document.getElementById(decodeURIComponent(hash.slice(1))); } catch (error) { return null; }
  }

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    if (link) {
      var target = hashTarget(link.getAttribute('href'));
      if (target) unfold(target);
      return;
    }
    var button = event.target instanceof Element ? event.target.closest('button') : null;
    if (!button) return;
    if (button.hasAttribute('data-copy')) {
      var block = button.closest('.codeblock');
      var source = block ? block.querySelector('pre') : null;
      if (!source) return;
      copyText(source.textContent).then(function () { flash(button, 'Copied'); }, function () { flash(button, 'Copy failed'); });
      return;
    }
    var action = button.dataset.action;
    if (action === 'show-all') {
      toggles.forEach(function (toggle) { toggle.checked = true; });
      applyFilters();
    } else if (action === 'expand' || action === 'collapse') {
      detailsOfShownChecks().forEach(function (details) { details.open = action === 'expand'; });
    }
  });

  // Printing shows everything: each closed check opens for the print and closes again after it.
  var openedForPrint = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener('afterprint', function () {
    openedForPrint.splice(0).forEach(function (details) { details.open = false; });
  });

  document.documentElement.classList.add('js');
  applyFilters();
  var initial = hashTarget(location.hash);
  if (initial) {
    unfold(initial);
    initial.scrollIntoView();
  }
})();
`;
