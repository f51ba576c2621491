/* SKK Konstruksi: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // A file input with data-preview="<id>" shows the chosen file's name, size and (for an image)
  // a preview in the element with that id.
  function preview(input) {
    var target = document.getElementById(input.getAttribute("data-preview"));
    if (!target) { return; }
    target.textContent = "";
    var file = input.files && input.files[0];
    if (!file) { target.hidden = true; return; }
    var info = document.createElement("p");
    info.className = "muted";
    info.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
    target.appendChild(info);
    if (/^image\//.test(file.type) && window.URL && URL.createObjectURL) {
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      target.appendChild(img);
    }
    target.hidden = false;
  }

  // A form with data-upload-progress sends itself by XHR to show a <progress>, then follows the
  // server's redirect (or shows the page it answered). Without JS it is an ordinary POST.
  function uploadWithProgress(form, event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var bar = form.querySelector("progress");
    if (!bar) {
      bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      form.appendChild(bar);
    }
    var buttons = form.querySelectorAll("button[type=submit]");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    var xhr = new XMLHttpRequest();
    xhr.open(form.method || "POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
    });
    xhr.addEventListener("load", function () {
      // The page the server answered (after its redirect, with its flash message), shown as is.
      document.open(); document.write(xhr.responseText); document.close();
      if (xhr.responseURL && window.history && history.replaceState) {
        history.replaceState(null, "", xhr.responseURL);
      }
    });
    xhr.addEventListener("error", function () { form.submit(); });
    xhr.send(new FormData(form));
  }

  // Forms with data-confirm="question" ask before sending.
  function confirmSubmit(form, event) {
    var q = form.getAttribute("data-confirm");
    if (q && !window.confirm(q)) { event.preventDefault(); return false; }
    return true;
  }

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("input[type=file][data-preview]")) { preview(el); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!confirmSubmit(form, e)) { return; }
    if (form.hasAttribute("data-upload-progress")) { uploadWithProgress(form, e); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    var first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (first) { first.focus(); } else if (summary) { summary.focus(); }
  });
})();
