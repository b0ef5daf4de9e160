// Drag and drop onto the upload form: the dropped files go into its file input (no inline scripts: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var zone = document.getElementById("upload-form");
  if (!zone) { return; }
  var input = document.getElementById("files");
  zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    input.files = e.dataTransfer.files;
  });
});
