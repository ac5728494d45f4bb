// The resident's web chat: what they write is posted to /chat/api/send; what we say
// arrives through a long poll of /chat/api/messages. Buttons are real buttons.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var photo = document.getElementById("photo");
  var cursor = { out: 0, in: 0 };
  var shown = {};

  function add(m) {
    var key = m.from + ":" + m.id;
    if (shown[key]) { return; }
    shown[key] = true;
    var div = document.createElement("div");
    div.className = "msg " + (m.from === "bot" ? "bot" : "me");
    div.dataset.id = m.id;
    if (m.text) { div.appendChild(document.createTextNode(m.text)); }
    (m.media || []).forEach(function (item) {
      if (m.from === "bot" && item.type === "photo") {
        var img = document.createElement("img");
        img.src = "/chat/api/media/" + m.id + "/" + item.n;
        img.alt = "照片";
        div.appendChild(img);
      } else if (m.from === "me") {
        div.appendChild(document.createTextNode(m.text ? "" : "[照片]"));
      }
    });
    if (m.buttons && m.buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      m.buttons.forEach(function (row) {
        row.forEach(function (b) {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = b.text;
          btn.dataset.data = b.data;
          btn.addEventListener("click", function () {
            Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) { x.disabled = true; });
            post({ button: b.data });
          });
          box.appendChild(btn);
        });
      });
      div.appendChild(box);
    }
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function post(fields, file) {
    var data = new FormData();
    Object.keys(fields).forEach(function (k) { data.append(k, fields[k]); });
    data.append("id", Date.now().toString(36) + Math.random().toString(36).slice(2, 8));
    if (file) { data.append("photo", file); }
    return fetch("/chat/api/send", { method: "POST", body: data, credentials: "same-origin",
                                     headers: { "X-Requested-With": "guanjia-chat" } })
      .then(function (r) {
        if (r.status === 429) { return r.text().then(function (t) { return { answer: t }; }); }
        return r.json();
      })
      .then(function (res) {
        if (res && res.answer) {
          var n = document.createElement("div"); n.className = "note"; n.textContent = res.answer; log.appendChild(n);
        }
      });
  }

  function poll(wait) {
    fetch("/chat/api/messages?out=" + cursor.out + "&in=" + cursor.in + (wait ? "&wait=1" : ""),
          { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var first = !wait && cursor.out === 0 && cursor.in === 0 && !data.messages.length;
        data.messages.forEach(function (m) {
          if (m.from === "bot" || (!m.button && m.text !== "/start")) { add(m); }
        });
        cursor.out = data.out; cursor.in = data.in;
        if (first) { post({ text: "/start" }); }  // a new visitor is greeted, as on Telegram
        poll(true);
      })
      .catch(function () { setTimeout(function () { poll(true); }, 3000); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    post({ text: text });
  });
  // a phone's photo is often several megabytes: shrink it to 1600 pixels first
  function shrink(file, done) {
    if (file.size < 1500000 || !window.createImageBitmap) { done(file); return; }
    createImageBitmap(file).then(function (img) {
      var scale = Math.min(1, 1600 / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { done(blob || file); }, "image/jpeg", 0.85);
    }).catch(function () { done(file); });
  }
  photo.addEventListener("change", function () {
    if (photo.files && photo.files[0]) {
      var words = input.value.trim();
      shrink(photo.files[0], function (file) { post({ text: words }, file); });
      input.value = ""; photo.value = "";
    }
  });
  poll(false);
})();
