// The queue: new and changed tickets appear without reloading (the rows are polled
// every few seconds), and the time left on each deadline counts down in place.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  var body = document.getElementById("rows");
  if (!table || !body || !table.dataset.poll) { return; }
  var url = table.dataset.poll;
  var last = body.innerHTML;
  // the time left is counted on the server's clock (a phone's clock may be off)
  var offset = table.dataset.now ? Date.parse(table.dataset.now) - Date.now() : 0;

  function left(td) {
    var due = Date.parse(td.dataset.deadline);
    if (isNaN(due)) { return; }
    var s = Math.round((due - (Date.now() + offset)) / 1000);
    var word = s > 0 ? "剩" : "超时";
    var m = Math.floor(Math.abs(s) / 60), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    var text = d ? d + "天" + h + "小时" : (h ? h + "小时" + (m % 60) + "分" : m + "分");
    td.textContent = (td.dataset.what || "") + " " + word + " " + text;
    td.classList.toggle("late", s <= 0);
  }
  function tick() { Array.prototype.forEach.call(body.querySelectorAll("td[data-deadline]"), left); }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (r.status === 401) { location.reload(); } return r.json(); })
      .then(function (data) {
        if (data.at) { offset = Date.parse(data.at) - Date.now(); }
        if (data.html !== last) {
          var known = {};
          Array.prototype.forEach.call(body.querySelectorAll("tr[data-number]"), function (tr) { known[tr.dataset.number] = tr.innerHTML; });
          body.innerHTML = data.html;
          last = data.html;
          Array.prototype.forEach.call(body.querySelectorAll("tr[data-number]"), function (tr) {
            if (known[tr.dataset.number] !== tr.innerHTML) { tr.classList.add("fresh"); }
          });
        }
        Object.keys(data.counts || {}).forEach(function (k) {
          var b = document.querySelector('.count[data-view="' + k + '"]');
          if (b) { b.textContent = data.counts[k]; }
        });
        var u = document.getElementById("updated");
        if (u) { u.textContent = "已刷新 " + new Date().toLocaleTimeString(); }
        tick();
      })
      .catch(function () {});
  }
  setInterval(poll, 3000);
  setInterval(tick, 30000);
})();
