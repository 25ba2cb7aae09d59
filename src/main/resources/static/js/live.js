// Live pages without a build step: when the server says an incident or a monitor changed, fetch this page again and
// swap in its <main>, unless someone is typing in a form (their words must not vanish).
(function () {
  if (!window.EventSource || !window.fetch) {
    return;
  }
  var timer = null;
  function busy() {
    var el = document.activeElement;
    return el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
      || (el.tagName === 'INPUT' && el.type !== 'submit' && el.type !== 'button'));
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
  var source = new EventSource('/ui/events');
  source.addEventListener('incident', soon);
  source.addEventListener('monitor', soon);
  // A safety net for changes made on other nodes: refresh every 30 seconds.
  setInterval(soon, 30000);
})();
