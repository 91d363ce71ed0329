// The import page (templates/bulletins/paste.html). When text is pasted into the box, the
// clipboard's HTML (from Word, Outlook or a web page) goes into the hidden "html" field, so the
// server can keep lists, headings and tables; typing in the box afterwards clears it, so what is
// imported is always what the box shows, and HTML too large to send is not sent. A file larger
// than the limit is refused here, before it is sent.
const form = document.querySelector("[data-import-form]");
if (form) {
  const box = form.querySelector("textarea[name=text]");
  const html = form.querySelector("input[name=html]");
  const upload = form.querySelector("input[name=upload]");
  let pasting = false;
  box.addEventListener("paste", (event) => {
    const clipboard = event.clipboardData ? event.clipboardData.getData("text/html") : "";
    // Too much formatting to send: the plain text alone is imported.
    html.value = clipboard && clipboard.length <= Number(html.dataset.maxChars) ? clipboard : "";
    pasting = true;
  });
  box.addEventListener("input", () => {
    if (!pasting) {
      html.value = "";
    }
    pasting = false;
  });
  const limit = Number(upload.dataset.maxBytes || 0);
  upload.addEventListener("change", () => {
    const file = upload.files && upload.files[0];
    const tooLarge = Boolean(limit && file && file.size > limit);
    upload.setCustomValidity(
      tooLarge ? `The file is too large: a file to import can be at most ${limit / 1048576} MB.` : "",
    );
    if (tooLarge) {
      upload.reportValidity();
      upload.value = "";
    }
  });
}
