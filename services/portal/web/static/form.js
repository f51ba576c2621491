/* The application form's enhancements; every step works without this file (the server filters
   the pickers and takes the files with the step's own POST).
   - Cascading pickers: a <select data-parents="id1 id2"> hides the options whose data-keys
     ("a b;c", one space-separated list per parent, ";"-separated) do not hold the parent's value
     (an empty parent rules nothing out); a choice that no longer fits is cleared, down the chain.
   - Uploads: a file chosen in a slot (input[data-upload-kind]) is sent at once by XHR to
     /permohonan/dokumen with a progress bar; the slot's hidden input gets the document id and
     shows the file's name, size and a preview (image) or a link (PDF). */
(function () {
  "use strict";

  function allowed(option, parents, needsParent) {
    var keys = (option.getAttribute("data-keys") || "").split(";");
    for (var i = 0; i < parents.length; i++) {
      var value = parents[i] ? parents[i].value : "";
      if (!value && needsParent) { return false; }
      if (value && (keys[i] || "").split(" ").indexOf(value) < 0) { return false; }
    }
    return true;
  }

  function parentsOf(select) {
    return (select.getAttribute("data-parents") || "").split(" ").filter(Boolean).map(function (id) {
      return document.getElementById(id);
    });
  }

  function filter(select) {
    var parents = parentsOf(select);
    var cleared = false;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }
      var ok = allowed(option, parents, select.hasAttribute("data-needs-parent"));
      option.hidden = !ok;
      option.disabled = !ok;
      if (!ok && option.selected) { select.value = ""; cleared = true; }
    });
    return cleared;
  }

  function children(id) {
    return Array.prototype.filter.call(document.querySelectorAll("select[data-parents]"), function (s) {
      return (s.getAttribute("data-parents") || "").split(" ").indexOf(id) >= 0;
    });
  }

  function cascade(changed) {
    children(changed.id).forEach(function (child) {
      filter(child);
      cascade(child);
    });
  }

  function setText(el, text, cls) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    el.appendChild(p);
    return p;
  }

  function upload(input) {
    var file = input.files && input.files[0];
    var form = input.form;
    var token = form && form.querySelector("input[name=csrf_token]");
    if (!file || !token || !window.FormData || !window.XMLHttpRequest) { return; }
    var base = input.id;
    var hidden = document.getElementById(base + "-id");
    var current = document.getElementById(base + "-current");
    var bar = document.getElementById(base + "-progress");
    var body = new FormData();
    body.append("csrf_token", token.value);
    body.append("kind", input.getAttribute("data-upload-kind"));
    body.append("file", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/permohonan/dokumen");
    xhr.setRequestHeader("Accept", "application/json");
    if (bar) { bar.hidden = false; bar.value = 0; }
    setText(current, form.getAttribute("data-uploading") || "…", "doc-info muted");
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (bar) { bar.value = 100; bar.hidden = true; }
      if (xhr.status === 200 && answer && answer.id) {
        hidden.value = answer.id;
        input.value = "";  // kept already: the step's POST does not send it again
        var info = setText(current, file.name + " · " + answer.text + " · ", "doc-info");
        var link = document.createElement("a");
        link.href = answer.url; link.target = "_blank"; link.rel = "noopener";
        link.id = base + "-link";
        link.textContent = form.getAttribute("data-open") || "→";
        info.appendChild(link);
        if (answer.is_image) {
          var img = document.createElement("img");
          img.className = "doc-preview"; img.src = answer.url; img.alt = file.name; img.id = base + "-preview";
          current.appendChild(img);
        }
        current.setAttribute("data-uploaded", answer.id);
      } else {
        var message = (answer && answer.error) || form.getAttribute("data-upload-failed") || "Error";
        setText(current, message, "doc-info field-error");
        input.value = "";
      }
    });
    xhr.addEventListener("error", function () {
      if (bar) { bar.hidden = true; }
      // The file stays chosen: the step's own POST sends it.
      setText(current, form.getAttribute("data-upload-failed") || "Error", "doc-info field-error");
    });
    xhr.send(body);
  }

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el || !el.matches) { return; }
    if (el.matches("select")) { cascade(el); }
    if (el.matches("input[type=file][data-upload-kind]")) { upload(el); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
    Array.prototype.forEach.call(document.querySelectorAll("select[data-parents]"), function (s) {
      // Only refine what the server rendered: never clear a stored choice on load.
      var parents = parentsOf(s);
      Array.prototype.forEach.call(s.options, function (option) {
        if (option.value && !option.selected) {
          var ok = allowed(option, parents, s.hasAttribute("data-needs-parent"));
          option.hidden = !ok; option.disabled = !ok;
        }
      });
    });
  });
})();
