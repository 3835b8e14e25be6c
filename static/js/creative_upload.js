/* Creatives page: a resumable video upload (tus 1.0 core) with a progress bar.
   POST creates the upload (Upload-Length, Upload-Metadata), then the file goes up in 8 MB PATCH
   chunks at the offset the server confirmed; after an error the client asks the server's offset
   (HEAD) and resumes from there, waiting 1, 2, 4… seconds (at most 5 tries in a row). When the
   last byte is in, the creatives table is refreshed (it then polls until the video is ready). */
(function () {
  "use strict";
  var CHUNK = 8 * 1024 * 1024;
  var MAX_TRIES = 5;
  var TUS = { "Tus-Resumable": "1.0.0" };

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function b64(text) {
    return btoa(unescape(encodeURIComponent(text)));
  }

  function headers(form, extra) {
    var all = { "X-CSRFToken": csrfToken(form) };
    Object.keys(TUS).forEach(function (key) { all[key] = TUS[key]; });
    Object.keys(extra || {}).forEach(function (key) { all[key] = extra[key]; });
    return all;
  }

  function errorText(response, fallback) {
    return response.json().then(function (body) {
      return (body && body.error && body.error.message) || fallback;
    }, function () { return fallback; });
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /* One PATCH with upload progress (fetch has none for request bodies). */
  function patch(url, form, offset, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("PATCH", url);
      var all = headers(form, { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" });
      Object.keys(all).forEach(function (key) { xhr.setRequestHeader(key, all[key]); });
      xhr.upload.onprogress = function (event) { onProgress(offset + event.loaded); };
      xhr.onload = function () {
        if (xhr.status === 204) {
          resolve(parseInt(xhr.getResponseHeader("Upload-Offset"), 10));
        } else {
          var message = "The server refused the chunk (" + xhr.status + ").";
          try { message = JSON.parse(xhr.responseText).error.message || message; } catch (e) { /* not JSON */ }
          reject({ status: xhr.status, message: message });
        }
      };
      xhr.onerror = function () { reject({ status: 0, message: "The connection dropped." }); };
      xhr.send(blob);
    });
  }

  function serverOffset(url, form) {
    return fetch(url, { method: "HEAD", headers: headers(form), credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw { status: response.status, message: "The upload can no longer be resumed (" + response.status + ")." }; }
      return parseInt(response.headers.get("Upload-Offset"), 10);
    });
  }

  function upload(form, file, show) {
    var metadata = [
      "filename " + b64(file.name),
      "ad_account_id " + b64(form.elements.ad_account_id.value),
      "title " + b64(form.elements.title.value || ""),
    ];
    if (form.elements.direction_id.value) { metadata.push("direction_id " + b64(form.elements.direction_id.value)); }
    return fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: headers(form, { "Upload-Length": String(file.size), "Upload-Metadata": metadata.join(",") }),
    }).then(function (response) {
      if (response.status !== 201) {
        return errorText(response, "The upload could not start (" + response.status + ").").then(function (text) { throw { status: response.status, message: text }; });
      }
      var url = response.headers.get("Location");
      var offset = 0;
      var tries = 0;
      function next() {
        if (offset >= file.size) { return Promise.resolve(); }
        return patch(url, form, offset, file.slice(offset, Math.min(offset + CHUNK, file.size)), show).then(function (newOffset) {
          offset = newOffset;
          tries = 0;
          show(offset);
          return next();
        }, function (error) {
          tries += 1;
          if (tries >= MAX_TRIES || (error.status >= 400 && error.status < 500 && error.status !== 409)) { throw error; }
          show(offset, "Connection problem; resuming…");
          return sleep(1000 * Math.pow(2, tries - 1)).then(function () { return serverOffset(url, form); }).then(function (confirmed) {
            offset = confirmed;
            return next();
          });
        });
      }
      return next();
    });
  }

  function init() {
    var form = document.getElementById("creative-upload-form");
    if (!form) { return; }
    var row = document.getElementById("upload-progress-row");
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var button = document.getElementById("upload-start");
    var account = form.elements.ad_account_id;
    var direction = form.elements.direction_id;

    function filterDirections() {
      Array.prototype.forEach.call(direction.options, function (option) {
        var other = option.dataset.adAccount && option.dataset.adAccount !== account.value;
        option.hidden = !!other;
        if (other && option.selected) { direction.value = ""; }
      });
    }
    account.addEventListener("change", filterDirections);
    filterDirections();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = form.elements.file.files[0];
      if (!file) { return; }
      button.disabled = true;
      row.hidden = false;
      bar.value = 0;
      function show(sent, note) {
        var percent = file.size ? Math.floor((100 * sent) / file.size) : 100;
        bar.value = percent;
        bar.textContent = percent + "%";
        status.textContent = note || (percent + "% of " + (file.size / 1048576).toFixed(1) + " MB");
      }
      show(0);
      upload(form, file, show).then(function () {
        show(file.size, "Uploaded. The table below follows it to TikTok.");
        form.reset();
        filterDirections();
        document.body.dispatchEvent(new Event("creatives-refresh"));
      }, function (error) {
        status.textContent = error.message || "The upload failed.";
        document.body.dispatchEvent(new Event("creatives-refresh"));
      }).then(function () { button.disabled = false; });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
