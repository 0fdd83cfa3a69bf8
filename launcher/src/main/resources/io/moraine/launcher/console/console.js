// Moraine web console: upload with a progress bar. The file goes to PUT /console/upload on this
// same origin, which streams it to a presigned PUT of the gateway; nothing else runs here.
"use strict";
(function () {
  var form = document.getElementById("upload");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("upload-file");
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var file = input.files && input.files[0];
    if (!file) {
      status.textContent = "choose a file first";
      return;
    }
    var key = document.getElementById("upload-prefix").value + file.name;
    var url = "/console/upload?bucket=" + encodeURIComponent(form.dataset.bucket) + "&key=" + encodeURIComponent(key);
    var xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("X-Csrf-Token", form.dataset.csrf);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    var started = Date.now();
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.floor(e.loaded * 100 / e.total);
        var mib = e.loaded / 1048576;
        var seconds = Math.max((Date.now() - started) / 1000, 0.001);
        status.textContent = bar.value + "% (" + mib.toFixed(1) + " MiB, " + (mib / seconds).toFixed(1) + " MiB/s)";
      }
    });
    xhr.addEventListener("load", function () {
      var seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (xhr.status === 200) {
        bar.value = 100;
        status.textContent = "done in " + seconds + " s: " + xhr.responseText;
        status.className = "ok";
      } else {
        status.textContent = "upload failed (HTTP " + xhr.status + "): " + xhr.responseText;
        status.className = "error";
      }
    });
    xhr.addEventListener("error", function () {
      status.textContent = "upload failed: the console did not answer";
      status.className = "error";
    });
    status.textContent = "0%";
    status.className = "";
    xhr.send(file);
  });
})();
