// Live pages without a build step: when the server says an incident or a monitor changed, fetch this page again and
// swap in its <main>, unless someone is typing in a form or has changed one (their words must not vanish). Also the
// status update preview: shown in the page instead of on a page of its own.
(function () {
  if (!window.EventSource || !window.fetch) {
    return;
  }
  var timer = null;
  function changed(el) {
    if (el.tagName === 'SELECT' && el.multiple) {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (el.tagName === 'SELECT') {
      var initial = 0; // without a selected attribute, the first option is the one shown
      Array.prototype.forEach.call(el.options, function (o, i) { if (o.defaultSelected) { initial = i; } });
      return el.options.length > 0 && el.selectedIndex !== initial;
    }
    if (el.type === 'checkbox' || el.type === 'radio') {
      return el.checked !== el.defaultChecked;
    }
    return el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button' && el.value !== el.defaultValue;
  }
  function busy() {
    var el = document.activeElement;
    if (el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
      || (el.tagName === 'INPUT' && el.type !== 'submit' && el.type !== 'button'))) {
      return true;
    }
    if (document.querySelector('main[data-live=paused]')) {
      return true; // a page answering a form (refused, or a preview): fetching its address again would lose it
    }
    var preview = document.getElementById('preview');
    if (preview && preview.children.length > 0) {
      return true; // someone is reading what they are about to send
    }
    return Array.prototype.some.call(document.querySelectorAll('main input, main textarea, main select'), changed);
  }
  function refresh() {
    if (busy()) {
      timer = setTimeout(refresh, 2000);
      return;
    }
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
        var current = document.querySelector('main');
        if (fresh && current) {
          current.replaceWith(fresh);
          document.dispatchEvent(new CustomEvent('tocsin:refreshed'));
        }
      })
      .catch(function () { /* the next event or the periodic refresh will try again */ });
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  // A button marked data-preview posts its form (with the CSRF token) to its formaction and puts the HTML fragment
  // it gets back in #preview; without script the same button opens the preview as a page.
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button[data-preview]');
    var target = document.getElementById('preview');
    if (!button || !button.form || !target) {
      return;
    }
    e.preventDefault();
    var body = new URLSearchParams(new FormData(button.form));
    body.append('fragment', 'true');
    fetch(button.formAction, { method: 'POST', credentials: 'same-origin', body: body,
      headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('preview');
        if (fresh) {
          target.replaceWith(fresh);
          var heading = fresh.querySelector('h3');
          if (heading) {
            heading.setAttribute('tabindex', '-1');
            heading.focus();
          }
        }
      })
      .catch(function () { button.form.action = button.formAction; button.form.submit(); });
  });
  var source = new EventSource('/ui/events');
  source.addEventListener('incident', soon);
  source.addEventListener('monitor', soon);
  // A safety net for changes made on other nodes: refresh every 30 seconds.
  setInterval(soon, 30000);
})();
